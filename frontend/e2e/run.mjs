#!/usr/bin/env node
// End-to-end browser tests of the built frontend against a running Zhiku
// server with the demo world (`zhiku serve --demo`).
//
//   ZHIKU_E2E_URL=http://127.0.0.1:8080 npm run e2e
//
// Uses playwright-core with Debian's Chromium at /usr/bin/chromium; no
// browser is ever downloaded. Scenarios run in order and share state (the
// entry created by the first one); each opens its own browser context, so
// every user has their own cookies. A scenario fails on a failed step, on a
// page error or on any console error (the only expected one, the 401 of the
// session probe POST /api/v1/auth/refresh before signing in, is allowed). On
// failure a screenshot goes to test-artifacts/ at the repository root and
// the remaining scenarios are skipped. Exit code: 0 all passed, 1 a
// scenario failed, 2 the harness could not start.

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { scenarios as loopScenarios } from './scenarios.mjs'
import { appraisalScenarios } from './appraisal-scenarios.mjs'
import { marketScenarios } from './market-scenarios.mjs'

const scenarios = [...loopScenarios, ...appraisalScenarios, ...marketScenarios]

const HERE = path.dirname(fileURLToPath(import.meta.url))
const ARTIFACTS = path.resolve(HERE, '..', '..', 'test-artifacts')
const CHROMIUM = '/usr/bin/chromium'
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]
const SCENARIO_TIMEOUT_MS = Number(process.env.ZHIKU_E2E_SCENARIO_TIMEOUT_MS ?? 120_000)
const ACTION_TIMEOUT_MS = 15_000
const NAVIGATION_TIMEOUT_MS = 30_000

/** Console errors that are part of normal operation, by the URL of the failed resource and its status. */
const EXPECTED_FAILED_RESOURCES = [
  // App start probes the HttpOnly refresh cookie; without a session that answers 401.
  { path: '/api/v1/auth/refresh', status: 401 },
]

function fail(message) {
  console.error(`e2e: ${message}`)
  process.exit(2)
}

function baseUrl() {
  const raw = process.env.ZHIKU_E2E_URL
  if (!raw) fail('set ZHIKU_E2E_URL to the server under test, e.g. ZHIKU_E2E_URL=http://127.0.0.1:8080 npm run e2e')
  try {
    return new URL(raw).origin
  } catch {
    return fail(`ZHIKU_E2E_URL is not a URL: ${raw}`)
  }
}

function isExpectedConsoleError(message) {
  const text = message.text()
  const match = /^Failed to load resource: the server responded with a status of (\d+)/.exec(text)
  if (!match) return false
  const status = Number(match[1])
  let pathname = ''
  try {
    pathname = new URL(message.location().url).pathname
  } catch {
    return false
  }
  return EXPECTED_FAILED_RESOURCES.some((e) => e.path === pathname && e.status === status)
}

function slug(text) {
  return text.replace(/[^a-zA-Z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase() || 'scenario'
}

function withTimeout(promise, ms, what) {
  let timer
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** What a scenario gets: pages (each in a fresh context) whose console is watched. */
class Session {
  constructor(browser, base) {
    this.browser = browser
    this.base = base
    this.contexts = []
    this.pages = []
    this.errors = []
  }

  async newPage(label) {
    const context = await this.browser.newContext({
      baseURL: this.base,
      locale: 'zh-CN',
      viewport: { width: 1400, height: 900 },
    })
    context.setDefaultTimeout(ACTION_TIMEOUT_MS)
    context.setDefaultNavigationTimeout(NAVIGATION_TIMEOUT_MS)
    const page = await context.newPage()
    page.on('console', (message) => {
      if (message.type() === 'error' && !isExpectedConsoleError(message)) {
        const where = message.location().url ? ` (${message.location().url})` : ''
        this.errors.push(`[${label}] console error: ${message.text()}${where}`)
      }
    })
    page.on('pageerror', (error) => this.errors.push(`[${label}] page error: ${error.stack ?? error.message}`))
    this.contexts.push(context)
    this.pages.push(page)
    return page
  }

  /** The page most recently opened that is still open, for the failure screenshot. */
  lastPage() {
    return [...this.pages].reverse().find((p) => !p.isClosed()) ?? null
  }

  async close() {
    await Promise.allSettled(this.contexts.map((c) => c.close()))
  }
}

async function screenshot(session, index, name) {
  const page = session.lastPage()
  if (!page) return null
  fs.mkdirSync(ARTIFACTS, { recursive: true })
  const file = path.join(ARTIFACTS, `e2e-${String(index + 1).padStart(2, '0')}-${slug(name)}.png`)
  try {
    await page.screenshot({ path: file, fullPage: true, timeout: 10_000 })
    return file
  } catch (error) {
    console.error(`  (screenshot failed: ${error.message})`)
    return null
  }
}

async function main() {
  const base = baseUrl()
  if (!fs.existsSync(CHROMIUM)) fail(`${CHROMIUM} not found; install Debian's chromium package (this harness never downloads a browser)`)

  // A fresh profile directory for this run. Playwright rejects an explicit
  // --user-data-dir in `args` for launch(), and makes the profile under the
  // temporary directory itself; pointing TMPDIR at a directory made for this
  // run keeps that profile fresh and removable.
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhiku-e2e-'))
  process.env.TMPDIR = runDir

  console.log(`e2e: ${base} with ${CHROMIUM}`)
  let browser
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
  } catch (error) {
    fs.rmSync(runDir, { recursive: true, force: true })
    return fail(`could not launch Chromium: ${error.message}`)
  }

  const state = { base }
  const results = []
  let broken = false
  try {
    for (const [index, scenario] of scenarios.entries()) {
      if (broken) {
        results.push({ name: scenario.name, status: 'skipped', ms: 0 })
        continue
      }
      const started = Date.now()
      const session = new Session(browser, base)
      let error = null
      try {
        await withTimeout(scenario.run({ session, state, log: (m) => console.log(`    ${m}`) }), SCENARIO_TIMEOUT_MS, scenario.name)
      } catch (e) {
        error = e
      }
      if (!error && session.errors.length > 0) error = new Error(`${session.errors.length} console/page error(s)`)
      const result = { name: scenario.name, status: error ? 'failed' : 'passed', ms: Date.now() - started }
      if (error) {
        result.error = error.message
        result.consoleErrors = session.errors
        result.screenshot = await screenshot(session, index, scenario.name)
        broken = true
      }
      results.push(result)
      console.log(`${error ? '✗' : '✓'} ${scenario.name} (${(result.ms / 1000).toFixed(1)} s)`)
      if (error) {
        console.log(`    ${result.error}`)
        for (const line of result.consoleErrors) console.log(`    ${line}`)
        if (result.screenshot) console.log(`    screenshot: ${path.relative(process.cwd(), result.screenshot)}`)
      }
      await session.close()
    }
  } finally {
    await browser.close().catch(() => undefined)
    fs.rmSync(runDir, { recursive: true, force: true })
  }

  const count = (status) => results.filter((r) => r.status === status).length
  console.log('')
  console.log(`e2e summary: ${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped of ${results.length}`)
  for (const r of results) console.log(`  ${r.status.padEnd(7)} ${r.name}`)
  process.exitCode = count('failed') > 0 ? 1 : 0
}

main().catch((error) => {
  console.error(error)
  process.exit(2)
})
