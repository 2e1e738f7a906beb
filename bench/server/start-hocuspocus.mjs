#!/usr/bin/env node
// Hocuspocus 4 with its SQLite extension, defaults otherwise (debounce 2 s, flushDelay 0).
//   node bench/server/start-hocuspocus.mjs [--host 127.0.0.1] [--port 0] [--db FILE]
// Prints "listening on http://HOST:PORT" (same line as samenplan).
import { Server } from '@hocuspocus/server'
import { SQLite } from '@hocuspocus/extension-sqlite'

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : def
}
const host = arg('host', '127.0.0.1')
const port = Number(arg('port', '0'))
const db = arg('db', '/tmp/hocuspocus-bench.sqlite')

const server = new Server({
  address: host,
  port,
  quiet: true,
  stopOnSignals: true,
  extensions: [new SQLite({ database: db })]
})
await server.listen()
console.log(`listening on http://${host}:${server.address.port}`)
