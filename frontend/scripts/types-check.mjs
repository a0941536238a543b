#!/usr/bin/env node
// Fails when src/api/schema.d.ts is not what `npm run types` makes of
// openapi.json: the committed types must follow the committed document.

import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const COMMITTED = path.join(ROOT, 'src/api/schema.d.ts')
const BIN = path.join(ROOT, 'node_modules/.bin/openapi-typescript')

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhiku-types-'))
try {
  const fresh = path.join(dir, 'schema.d.ts')
  try {
    execFileSync(BIN, ['openapi.json', '--empty-objects-unknown', '-o', fresh], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] })
  } catch (error) {
    console.error(`types:check: openapi-typescript could not read openapi.json:\n${error.stderr ?? error.message}`)
    process.exit(1)
  }
  const committed = fs.existsSync(COMMITTED) ? fs.readFileSync(COMMITTED, 'utf8') : ''
  if (fs.readFileSync(fresh, 'utf8') !== committed) {
    console.error('types:check: src/api/schema.d.ts does not match openapi.json. Run `npm run types` and commit the result.')
    process.exit(1)
  }
  console.log('types:check: src/api/schema.d.ts matches openapi.json')
} finally {
  fs.rmSync(dir, { recursive: true, force: true })
}
