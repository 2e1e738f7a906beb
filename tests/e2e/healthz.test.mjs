// samenplan serve: readiness line, /healthz, 404, clean shutdown, bad flags.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { runSamenplan, startServer } from './lib/server.mjs';

test('GET /healthz is 200 ok, unknown paths 404, SIGTERM exits 0', async () => {
  const server = await startServer();
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(server.port, 0);

    const ok = await fetch(`${server.url}/healthz`);
    assert.equal(ok.status, 200);
    assert.match(ok.headers.get('content-type'), /^text\/plain/);
    assert.equal(await ok.text(), 'ok');

    const nope = await fetch(`${server.url}/nope`);
    assert.equal(nope.status, 404);
    await nope.text();

    const ws = await fetch(`${server.url}/ws/some-doc`);
    assert.equal(ws.status, 426, 'a plain GET of the WebSocket endpoint asks for an upgrade');
    await ws.text();
  } finally {
    assert.equal(await server.stop('SIGTERM'), 0);
  }
  assert.equal(server.stdout(), `listening on ${server.url}\n`, 'exactly one line on stdout');
});

test('SIGINT shuts down cleanly with exit code 0', async () => {
  const server = await startServer();
  const res = await fetch(`${server.url}/healthz`);
  assert.equal(res.status, 200);
  await res.text();
  assert.equal(await server.stop('SIGINT'), 0);
});

test('serve creates the data directory', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'samenplan-e2e-'));
  try {
    const dataDir = path.join(root, 'nested', 'data');
    const server = await startServer({ dataDir });
    assert.ok(existsSync(dataDir));
    assert.equal(await server.stop(), 0);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

for (const args of [['serve', '--bogus'], ['serve', '--port', '70000'], ['serve', '--port'], []]) {
  test(`bad usage \`samenplan ${args.join(' ')}\` exits 2 with one line on stderr`, () => {
    const r = runSamenplan(args);
    assert.equal(r.status, 2, `stderr: ${r.stderr}`);
    assert.equal(r.stdout, '');
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    assert.equal(lines.length, 1, `stderr: ${r.stderr}`);
    assert.match(lines[0], /^samenplan: error: /);
  });
}

test('--help exits 0 and lists serve', () => {
  const r = runSamenplan(['--help']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /serve/);
});
