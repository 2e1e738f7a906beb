// Starting and stopping a real `samenplan serve` for end-to-end tests.
//
//   import { startServer } from './lib/server.mjs';
//   const server = await startServer();          // fresh temp data dir, free port
//   await fetch(`${server.url}/healthz`);
//   assert.equal(await server.stop(), 0);         // SIGTERM, resolves to the exit code
//
// The binary comes from $SAMENPLAN_BIN (ctest sets it). Readiness is the
// `listening on http://HOST:PORT` line on stdout: no sleeps, no fixed ports.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

const READY_TIMEOUT_MS = 30_000;
const LISTENING = /^listening on (http:\/\/(.+):(\d+))$/;
const live = new Set();

// Never leave a server behind, whatever a test does.
process.on('exit', () => {
  for (const proc of live) proc.kill('SIGKILL');
});

export function samenplanBin() {
  const bin = process.env.SAMENPLAN_BIN;
  if (!bin) throw new Error('SAMENPLAN_BIN is not set; run the e2e tests through ctest');
  return bin;
}

// Runs `samenplan ...args` to completion: {status, signal, stdout, stderr}.
export function runSamenplan(args, options = {}) {
  const r = spawnSync(samenplanBin(), args, { encoding: 'utf8', timeout: 60_000, ...options });
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

// Starts `samenplan serve --host 127.0.0.1 --port 0 --data <dir> ...args`.
// Without dataDir a temporary directory is used and removed by stop().
// Resolves to {url, host, port, proc, dataDir, stdout(), stderr(), exited, stop(signal)}.
export async function startServer({ dataDir, args = [] } = {}) {
  const ownDir = dataDir === undefined;
  const dir = ownDir ? await mkdtemp(path.join(tmpdir(), 'samenplan-e2e-')) : dataDir;
  const proc = spawn(
    samenplanBin(),
    ['serve', '--host', '127.0.0.1', '--port', '0', '--data', dir, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  live.add(proc);

  let stdout = '';
  let stderr = '';
  proc.stdout.setEncoding('utf8');
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise((resolve) => {
    proc.on('exit', (code, signal) => {
      live.delete(proc);
      resolve({ code, signal });
    });
  });

  const lines = readline.createInterface({ input: proc.stdout });
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`samenplan did not print "listening on" within ${READY_TIMEOUT_MS} ms`));
    }, READY_TIMEOUT_MS);
    lines.on('line', (line) => {
      stdout += `${line}\n`;
      const m = LISTENING.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1], host: m[2], port: Number(m[3]) });
      }
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`samenplan exited (${code ?? signal}) before listening:\n${stderr}`));
    });
  });

  let info;
  try {
    info = await ready;
  } catch (err) {
    if (ownDir) await rm(dir, { recursive: true, force: true });
    throw err;
  }

  let stopping;
  const stop = (signal = 'SIGTERM') => {
    stopping ??= (async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      const { code, signal: bySignal } = await exited;
      if (ownDir) await rm(dir, { recursive: true, force: true });
      return code ?? bySignal;
    })();
    return stopping;
  };

  return {
    ...info,
    proc,
    dataDir: dir,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    stop,
  };
}
