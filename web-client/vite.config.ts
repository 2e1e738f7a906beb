// Vite config of the samenplan web client.
//
//   npm run build   -> dist/ (served by `samenplan serve` at /, with SPA fallback)
//   npm run dev     -> dev server on :5173; /api and /ws go to $SAMENPLAN_URL
//                      (default http://127.0.0.1:8080, e.g. a `make run` server)
//
// The schemas' generated files (../schemas/generated) are imported directly,
// never copied: server.fs.allow lets the dev server read them.
import { defineConfig } from 'vite'
import { fileURLToPath } from 'node:url'

const backend = process.env.SAMENPLAN_URL ?? 'http://127.0.0.1:8080'

export default defineConfig({
  base: '/',
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
