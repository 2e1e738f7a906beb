// samenplan serve --web-root: the built web client at /, its files, and the
// SPA fallback for client routes (/d/<docId>, also for ids with a '.').
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { startServer } from './lib/server.mjs';

test('web root: files, index.html for client routes, 404 for missing assets', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'samenplan-web-'));
  await mkdir(path.join(root, 'assets'));
  const index = '<!doctype html><title>samenplan</title><div id="app"></div>';
  await writeFile(path.join(root, 'index.html'), index);
  await writeFile(path.join(root, 'assets', 'app-1.js'), 'console.log(1)\n');
  const server = await startServer({ args: ['--web-root', root] });
  try {
    const get = async (p) => {
      const res = await fetch(`${server.url}${p}`);
      return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
    };
    for (const p of ['/', '/d/plan-1', '/d/plan.v2', '/d/a.b.c', '/nieuw']) {
      const r = await get(p);
      assert.equal(r.status, 200, p);
      assert.match(r.type, /^text\/html/, p);
      assert.equal(r.body, index, p);
    }
    const js = await get('/assets/app-1.js');
    assert.equal(js.status, 200);
    assert.match(js.type, /javascript/);
    assert.equal(js.body, 'console.log(1)\n');
    // A missing file with an extension outside the client routes is a 404, not index.html.
    assert.equal((await get('/assets/missing.js')).status, 404);
    assert.equal((await get('/favicon.ico')).status, 404);
    // No way out of the web root.
    const escape = await get('/assets/..%2F..%2Fetc%2Fpasswd');
    assert.notEqual(escape.body.includes('root:'), true);
    assert.notEqual(escape.status, 200);
  } finally {
    assert.equal(await server.stop(), 0);
    await rm(root, { recursive: true, force: true });
  }
});
