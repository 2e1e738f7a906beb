// Vite config of the samenplan web client.
//
//   npm run build   -> dist/ (served by `samenplan serve` at /, with SPA fallback)
//   npm run dev     -> dev server on :5173; /api and /ws go to $SAMENPLAN_URL
//                      (default http://127.0.0.1:8080, e.g. a `make run` server)
//
// The schemas' generated files (../schemas/generated) are imported directly,
// never copied: server.fs.allow lets the dev server read them.
import { defineConfig, type Plugin } from 'vite'
import { fileURLToPath } from 'node:url'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { gzipSync, constants } from 'node:zlib'

// After the build: FILE.gz (gzip -9) next to every compressible file over
// 1 KiB in dist/. `samenplan serve` sends it to clients that accept gzip.
function gzipStatic (): Plugin {
  const compressible = new Set(['.js', '.mjs', '.css', '.html', '.svg', '.json', '.txt'])
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name)
      if (statSync(file).isDirectory()) { walk(file); continue }
      if (!compressible.has(path.extname(name))) continue
      const raw = readFileSync(file)
      if (raw.length <= 1024) continue
      const gz = gzipSync(raw, { level: constants.Z_BEST_COMPRESSION })
      if (gz.length < raw.length) writeFileSync(file + '.gz', gz)
    }
  }
  return {
    name: 'samenplan-gzip-static',
    apply: 'build',
    closeBundle () { walk(fileURLToPath(new URL('dist', import.meta.url))) },
  }
}

const backend = process.env.SAMENPLAN_URL ?? 'http://127.0.0.1:8080'

export default defineConfig({
  base: '/',
  plugins: [gzipStatic()],
  resolve: {
    // One yjs instance in the bundle, whoever imports it (y-websocket, tiptap).
    dedupe: ['yjs', 'y-protocols', 'lib0', '@tiptap/pm'],
  },
  server: {
    fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] },
    proxy: {
      '/api': backend,
      '/ws': { target: backend.replace(/^http/, 'ws'), ws: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: true,
    // The editor chunk (yjs + ProseMirror + Tiptap) is ~560 kB raw, ~175 kB gzip.
    chunkSizeWarningLimit: 700,
  },
})
