// samenplan serve --web-root: the built web client at /, its files, and the
// SPA fallback for client routes (/d/<docId>, also for ids with a '.').
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';

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

// A raw GET with exactly these headers (fetch would add its own Accept-Encoding).
function rawGet(url, headers) {
  return new Promise((resolve, reject) => {
    http.get(url, { headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

test('web root: the build\'s .gz copies go to clients that accept gzip; hashed assets are immutable', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'samenplan-web-'));
  await mkdir(path.join(root, 'assets'));
  await writeFile(path.join(root, 'index.html'), '<!doctype html><title>x</title>');
  const js = 'export const plan = ' + JSON.stringify('welbevinden '.repeat(400)) + '\n';
  await writeFile(path.join(root, 'assets', 'view-abc.js'), js);
  await writeFile(path.join(root, 'assets', 'view-abc.js.gz'), gzipSync(js));
  await writeFile(path.join(root, 'assets', 'small.css'), 'body{}');
  const server = await startServer({ args: ['--web-root', root] });
  try {
    const url = `${server.url}/assets/view-abc.js`;
    for (const ae of ['gzip', 'gzip, deflate, br', 'br;q=1.0, GZIP;q=0.5', '*']) {
      const r = await rawGet(url, { 'accept-encoding': ae });
      assert.equal(r.status, 200, ae);
      assert.equal(r.headers['content-encoding'], 'gzip', ae);
      assert.equal(r.headers.vary, 'Accept-Encoding', ae);
      assert.match(r.headers['content-type'], /javascript/, ae);
      assert.equal(gunzipSync(r.body).toString(), js, ae);
      assert.equal(r.headers['cache-control'], 'public, max-age=31536000, immutable');
    }
    for (const ae of [undefined, 'identity', 'br', 'gzip;q=0', 'gzip;q=0.0, br']) {
      const r = await rawGet(url, ae === undefined ? {} : { 'accept-encoding': ae });
      assert.equal(r.status, 200, String(ae));
      assert.equal(r.headers['content-encoding'], undefined, String(ae));
      assert.equal(r.headers.vary, 'Accept-Encoding', String(ae));
      assert.equal(r.body.toString(), js, String(ae));
    }
    // Without a .gz copy: plain, no Vary.
    const css = await rawGet(`${server.url}/assets/small.css`, { 'accept-encoding': 'gzip' });
    assert.equal(css.headers['content-encoding'], undefined);
    assert.equal(css.body.toString(), 'body{}');
    const index = await rawGet(`${server.url}/`, { 'accept-encoding': 'gzip' });
    assert.equal(index.headers['cache-control'], 'no-cache');
  } finally {
    assert.equal(await server.stop(), 0);
    await rm(root, { recursive: true, force: true });
  }
});
