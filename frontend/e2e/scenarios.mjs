// The end-to-end scenarios, in order. Each is `{ name, run({ session, state, log }) }`;
// `state` carries what one scenario hands to the next (the entry, the points).
// Selectors are the `data-test` attributes of the Vue components.

import fs from 'node:fs'

const PASSWORD = process.env.ZHIKU_E2E_PASSWORD ?? 'zhiku2026'
const CLIENT_NAME = '芜湖长江实业集团有限公司'
const CLIENT_QUERY = 'whcj'
const CRITERIA = ['truthfulness', 'relevance', 'completeness', 'timeliness', 'value']
const CLUSTER_TAG = '高尔夫'
// The competitor a market-wide entry is about (an option of the competitor template).
const MARKET_COMPETITOR = '中国电信'
// Demo people an assessment table lists (src/demo.rs).
const DEMO_NAMES = ['吴婷', '郑浩', '黄雪', '何军', '高洁', '马超', '张伟', '李强', '赵磊', '孙丽']

export function check(condition, message) {
  if (!condition) throw new Error(message)
}

/** Polls `probe` until it returns a truthy value; returns that value. */
export async function until(probe, { timeout = 15_000, interval = 250, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout
  let last
  for (;;) {
    try {
      last = await probe()
      if (last) return last
    } catch (error) {
      last = error
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? `: ${last.message}` : ''
      throw new Error(`timed out waiting for ${what}${detail}`)
    }
    await new Promise((resolve) => setTimeout(resolve, interval))
  }
}

export function apiResponse(page, method, pathname) {
  return page.waitForResponse((response) => {
    const url = new URL(response.url())
    return response.request().method() === method && url.pathname === pathname
  })
}

/** Signs in through the login page and lands on `target` without reloading the app. */
export async function signIn(session, employeeNo, target = '/') {
  const page = await session.newPage(employeeNo)
  await page.goto(`/login?redirect=${encodeURIComponent(target)}`)
  await page.locator('[data-test="login-input"]').fill(employeeNo)
  await page.locator('[data-test="password-input"]').fill(PASSWORD)
  const login = apiResponse(page, 'POST', '/api/v1/auth/login')
  await page.locator('[data-test="login-submit"]').click()
  const response = await login
  check(response.status() === 200, `login as ${employeeNo} answered ${response.status()}`)
  const { user } = await response.json()
  await page.waitForURL((url) => !url.pathname.startsWith('/login'))
  return { page, user }
}

async function dashboardPoints(page) {
  const points = page.locator('[data-test="points"]')
  await points.waitFor()
  return Number((await points.textContent()).trim())
}

/** Clicks a visible option of the open Element Plus select dropdown. */
export async function pickOption(page, selector, text) {
  const option = page.locator(`${selector}:visible`, text ? { hasText: text } : undefined).first()
  await option.waitFor()
  await option.click()
}

/** R002 searches `/search?q=<word>` until entry `id` is among the results; answers its hit. */
async function searchHit(session, word, id) {
  const { page } = await signIn(session, 'R002', `/search?q=${encodeURIComponent(word)}`)
  const hit = page.locator(`[data-test="search-hit"][data-id="${id}"]`)
  let sort = 'newest'
  await until(
    async () => {
      if (await page.locator('[data-test="search-unavailable"]').isVisible()) throw new Error('GET /api/v1/search is not available')
      if (await hit.isVisible()) return true
      // The index may lag the adoption a moment: search again by switching the sort.
      await page.locator(`[data-test="sort-${sort}"]`).click()
      sort = sort === 'newest' ? 'relevance' : 'newest'
      return false
    },
    { timeout: 30_000, interval: 1_000, what: `entry #${id} among the results` },
  )
  return hit
}

/** Clicks 提交审核 on the submit form and answers the entry the server created. */
async function submitEntry(page) {
  const created = apiResponse(page, 'POST', '/api/v1/intel')
  await page.locator('[data-test="submit"]').click()
  const response = await created
  check(response.status() === 201, `POST /intel answered ${response.status()}: ${await response.text()}`)
  return response.json()
}

/** Scores all five criteria 4 on the open review panel of `id` and adopts it; answers the review result. */
async function scoreAndAdopt(page, id) {
  const panel = page.locator(`[data-test="review-panel"][data-id="${id}"]`)
  await panel.waitFor()
  for (const criterion of CRITERIA) {
    const row = panel.locator(`[data-criterion="${criterion}"]`)
    await row.locator('.el-rate__item').nth(3).click()
    await until(async () => (await row.locator('.el-rate__text').textContent()).trim() === '4', {
      what: `${criterion} to show 4`,
    })
  }
  const decided = apiResponse(page, 'POST', `/api/v1/intel/${id}/review`)
  await panel.locator('[data-test="decide-adopt"]').click()
  const response = await decided
  check(response.status() === 200, `POST /review answered ${response.status()}: ${await response.text()}`)
  const result = await response.json()
  check(result.intel.status === 'adopted', `the entry is ${result.intel.status} after adopting`)
  return result
}

/** The market-wide count of 中国电信 in the competitor statistics (M001), checked against its card's badge (shown when not 0). */
async function marketWideCount(page) {
  const loaded = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/stats/competitors')
  await page.goto('/stats?tab=competitors')
  const response = await loaded
  check(response.status() === 200, `GET /stats/competitors answered ${response.status()}`)
  const competitor = (await response.json()).find((c) => c.competitor === MARKET_COMPETITOR)
  const count = competitor?.market_wide ?? 0
  if (count > 0) {
    const badge = page.locator(`[data-test="competitor"][data-name="${MARKET_COMPETITOR}"] [data-test="competitor-market-wide"]`)
    await until(async () => (await badge.textContent()).trim() === `全市场 ${count}`, { what: `the badge 全市场 ${count}` })
  }
  return count
}

export const scenarios = [
  {
    name: 'E001 submits a business entry for 芜湖长江实业集团有限公司',
    async run({ session, state, log }) {
      const { page, user } = await signIn(session, 'E001', '/')
      state.author = user
      state.pointsBefore = await dashboardPoints(page)
      log(`E001 is ${user.real_name} with ${state.pointsBefore} points`)

      await page.locator('[data-test="nav-submit"]').click()
      await page.waitForURL('**/submit')

      await page.locator('[data-test="category-select"]').click()
      await pickOption(page, '[data-test="category-business"]')

      await page.locator('[data-test="client-picker"]').click()
      await page.keyboard.type(CLIENT_QUERY, { delay: 60 })
      await pickOption(page, '[data-test="client-option"]', CLIENT_NAME)

      // A distinctive Latin word (the search keeps letters and digits as one lower-cased word).
      state.word = `zk${Date.now().toString(36)}`
      state.title = `端到端验收 ${state.word} 集团话费报销流程繁琐`
      await page.locator('[data-test="title"]').fill(state.title)
      await page
        .locator('[data-test="body"]')
        .fill(`拜访财务副总时了解到，集团话费报销需要逐张打印发票（验收标记 ${state.word}），希望统一对公结算。`)
      await page.locator('[data-test="source-private"]').click()
      await page.locator('[data-field="current_products"] input').fill('集团V网、互联网专线')
      await page.locator('[data-field="monthly_spend"] input').fill('12000')
      await page.locator('[data-field="monthly_spend"] input').press('Tab')

      const entry = await submitEntry(page)
      check(entry.status === 'submitted', `the new entry is ${entry.status}, not submitted`)
      check(entry.client.name === CLIENT_NAME, `the entry is for ${entry.client.name}`)
      state.intelId = entry.id

      await page.waitForURL(`**/intel/${entry.id}`)
      await page.locator(`[data-test="intel-detail"][data-id="${entry.id}"]`).waitFor()
      const status = (await page.locator('[data-test="intel-status"]').textContent()).trim()
      check(status === '待审核', `the entry page shows status ${status}`)
      log(`entry #${entry.id} “${state.title}” submitted`)
    },
  },

  {
    name: 'R001 scores all five criteria 4 and adopts it',
    async run({ session, state, log }) {
      const { page } = await signIn(session, 'R001', '/review')
      const item = page.locator(`[data-test="queue-item"][data-id="${state.intelId}"]`)
      await item.waitFor()
      await item.click()
      const result = await scoreAndAdopt(page, state.intelId)
      check(result.points_awarded > 0, `adopting paid ${result.points_awarded} points`)
      state.awarded = result.points_awarded

      const banner = page.locator('[data-test="last-decision"]')
      await banner.waitFor()
      const text = await banner.textContent()
      check(text.includes(String(result.points_awarded)), `the page does not show the ${result.points_awarded} points awarded: ${text}`)
      log(`adopted; ${result.points_awarded} points awarded`)
    },
  },

  {
    name: 'E001 sees the adoption notification and the points on the dashboard',
    async run({ session, state, log }) {
      const { page } = await signIn(session, 'E001', '/')
      await page.locator(`[data-test="dashboard-notification"][data-kind="intel_adopted"][data-intel-id="${state.intelId}"]`).waitFor()
      const expected = state.pointsBefore + state.awarded
      const points = await until(
        async () => {
          const now = await dashboardPoints(page)
          return now === expected ? now : null
        },
        { what: `the dashboard to show ${expected} points` },
      )
      await page.locator('[data-test="ledger-row"][data-reason="adopted"]').first().waitFor()
      state.pointsAfterAdoption = points
      log(`dashboard shows ${points} points (${state.pointsBefore} + ${state.awarded})`)
    },
  },

  {
    name: 'R002 finds the entry by search with the word highlighted',
    async run({ session, state, log }) {
      const hit = await searchHit(session, state.word, state.intelId)
      const marks = await hit.locator('[data-test="snippet"] mark').allTextContents()
      check(
        marks.some((m) => m.toLowerCase().includes(state.word)),
        `no <mark> holds “${state.word}” in the snippet (marks: ${JSON.stringify(marks)})`,
      )
      log(`found with <mark>${state.word}</mark>`)
    },
  },

  {
    name: 'M001 records a usage with outcome won',
    async run({ session, state, log }) {
      const { page, user } = await signIn(session, 'M001', `/intel/${state.intelId}`)
      await page.locator(`[data-test="intel-detail"][data-id="${state.intelId}"]`).waitFor()
      await page.locator('[data-test="record-usage"]').click()
      await page.locator('[data-test="outcome-won"]:visible').click()
      const recorded = apiResponse(page, 'POST', `/api/v1/intel/${state.intelId}/usages`)
      await page.locator('[data-test="usage-save"]:visible').click()
      const response = await recorded
      check(response.status() === 201, `POST /usages answered ${response.status()}: ${await response.text()}`)
      const usage = await response.json()
      check(usage.outcome === 'won', `the usage was recorded as ${usage.outcome}`)
      await until(async () => (await page.locator('[data-test="usages"]').textContent()).includes(user.real_name), {
        what: 'the usage in the list',
      })
      log(`${user.real_name} recorded usage #${usage.id} (won)`)
    },
  },

  {
    name: 'E001 sees the usage notification',
    async run({ session, state, log }) {
      const { page } = await signIn(session, 'E001', '/')
      await page.locator(`[data-test="dashboard-notification"][data-kind="intel_used"][data-intel-id="${state.intelId}"]`).waitFor()
      const points = await until(
        async () => {
          const now = await dashboardPoints(page)
          return now > state.pointsAfterAdoption ? now : null
        },
        { what: `more than ${state.pointsAfterAdoption} points` },
      )
      await page.locator('[data-test="bell"]').click()
      await page.locator(`[data-test="notification"][data-kind="intel_used"][data-intel-id="${state.intelId}"]:visible`).waitFor()
      log(`usage notification seen; ${points} points`)
    },
  },

  {
    name: 'ADMIN opens the audit log',
    async run({ session, state, log }) {
      const { page } = await signIn(session, 'ADMIN', '/admin')
      await page.locator('#tab-audit').click()
      const table = page.locator('[data-test="audit-table"]')
      await table.waitFor()
      await page.locator('[data-test="audit-action"]').fill('intel.review')
      await page.locator('[data-test="audit-search"]').click()
      const target = new RegExp(`intel #${state.intelId}(?!\\d)`)
      await until(
        async () => {
          const rows = await table.locator('.el-table__body tr').allTextContents()
          return rows.some((row) => row.includes('intel.review') && target.test(row))
        },
        { what: `the intel.review event of entry #${state.intelId}` },
      )
      log(`audit shows intel.review of #${state.intelId}`)
    },
  },

  {
    name: 'M001 opens the statistics, a cluster and its CSV export',
    async run({ session, log }) {
      const { page } = await signIn(session, 'M001', '/stats')
      await page.locator('[data-test="stats-overview"]').waitFor()
      await page.locator('[data-test="kpi"][data-key="submitted"]').waitFor()
      const kpis = await page.locator('[data-test="kpi"]').count()
      check(kpis >= 6, `only ${kpis} KPI cards`)
      const canvas = page.locator('[data-test="stats-series-chart"] canvas').first()
      await canvas.waitFor()
      const size = await canvas.evaluate((c) => [c.width, c.height])
      check(size[0] > 0 && size[1] > 0, `the series chart canvas is ${size.join('×')}`)
      check((await page.locator('#tab-assessments').count()) === 0, 'a marketer sees the assessments tab')
      check((await page.locator('#tab-reviewers').count()) === 0, 'a marketer sees the reviewer metrics tab')
      log(`${kpis} KPI cards and a ${size.join('×')} chart`)

      await page.locator('#tab-clusters').click()
      const tag = page.locator(`[data-test="cluster-tag"][data-tag="${CLUSTER_TAG}"]`)
      await tag.waitFor()
      const members = apiResponse(page, 'GET', `/api/v1/stats/clusters/${encodeURIComponent(CLUSTER_TAG)}/clients`)
      await tag.click()
      const membersResponse = await members
      check(membersResponse.status() === 200, `GET cluster clients answered ${membersResponse.status()}`)
      const { items: body, total } = await membersResponse.json()
      check(body.length > 0 && total >= body.length, `the ${CLUSTER_TAG} cluster has no clients`)
      await page.locator(`[data-test="cluster-members"][data-tag="${CLUSTER_TAG}"]:visible`).waitFor()
      await until(async () => (await page.locator('[data-test="cluster-client"]:visible').count()) === body.length, {
        what: `${body.length} clients in the ${CLUSTER_TAG} drawer`,
      })
      const first = body[0].client.name
      await page.locator('[data-test="cluster-client"]:visible', { hasText: first }).waitFor()

      const exported = apiResponse(page, 'GET', `/api/v1/stats/clusters/${encodeURIComponent(CLUSTER_TAG)}/export`)
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test="export-csv"]:visible').click()])
      const exportResponse = await exported
      check(exportResponse.status() === 200, `the CSV export answered ${exportResponse.status()}`)
      const name = download.suggestedFilename()
      check(name.endsWith('.csv') && name.includes(CLUSTER_TAG), `the download is named ${name}`)
      const file = await download.path()
      const text = fs.readFileSync(file, 'utf8')
      check(text.includes('客户') && text.includes(first), `the CSV lacks the header or ${first}: ${text.slice(0, 120)}`)
      log(`${body.length} clients in ${CLUSTER_TAG}; downloaded ${name} (${text.split('\n').length - 1} lines)`)
    },
  },

  {
    name: 'R001 opens the assessments',
    async run({ session, log }) {
      const { page } = await signIn(session, 'R001', '/stats')
      await page.locator('#tab-assessments').click()
      const names = page.locator('[data-test="assessment-table"] [data-test="assessment-name"]')
      await names.first().waitFor()
      const listed = (await names.allTextContents()).map((n) => n.trim())
      const seen = listed.includes('吴婷') ? '吴婷' : DEMO_NAMES.find((n) => listed.includes(n))
      check(seen, `no demo user in the assessments: ${JSON.stringify(listed)}`)
      await page.locator('#tab-reviewers').click()
      await page.locator('[data-test="reviewer-table"] [data-test="reviewer-name"]').first().waitFor()
      const pairs = page.locator('[data-test="usage-pairs"]')
      await pairs.waitFor()
      const pairRows = await pairs.locator('[data-test="usage-pair-people"]').count()
      const pairsEmpty = await pairs.locator('[data-test="usage-pairs-empty"]').count()
      check(pairRows > 0 || pairsEmpty === 1, 'the reciprocal usage card shows neither pairs nor its empty state')
      log(`${listed.length} people assessed, including ${seen}; ${pairRows} usage pairs`)
    },
  },

  {
    name: 'AM04 finds 芜湖长江实业集团有限公司 by initials and reads its dossier',
    async run({ session, log }) {
      const { page } = await signIn(session, 'AM04', '/clients')
      const searched = page.waitForResponse((r) => {
        const url = new URL(r.url())
        return url.pathname === '/api/v1/clients' && url.searchParams.get('q') === CLIENT_QUERY
      })
      await page.locator('[data-test="client-search"]').fill(CLIENT_QUERY)
      const response = await searched
      check(response.status() === 200, `GET /clients?q=${CLIENT_QUERY} answered ${response.status()}`)
      const link = page.locator('[data-test="client-link"]', { hasText: CLIENT_NAME }).first()
      await link.waitFor()
      await link.click()
      await page.waitForURL(/\/clients\/\d+$/)
      await until(async () => (await page.locator('[data-test="dossier-name"]').textContent()).includes(CLIENT_NAME), {
        what: 'the dossier title',
      })
      const events = page.locator('[data-test="timeline"] [data-test="timeline-event"]')
      await events.first().waitFor()
      log(`dossier of ${CLIENT_NAME} with ${await events.count()} timeline events`)
    },
  },

  {
    name: 'ADMIN switches the language to English and back',
    async run({ session, log }) {
      const { page } = await signIn(session, 'ADMIN', '/stats')
      const nav = page.locator('[data-test="nav-dashboard"]')
      await nav.waitFor()
      check((await nav.textContent()).includes('工作台'), 'the menu is not in Chinese to begin with')

      await page.locator('[data-test="locale-switch"]').click()
      await page.locator('[data-test="locale-en"]:visible').click()
      await until(async () => (await nav.textContent()).includes('Dashboard'), { what: 'the English menu' })
      await until(async () => (await page.locator('#tab-overview').textContent()).trim() === 'Overview', { what: 'the English stats tabs' })
      check((await page.evaluate(() => document.documentElement.lang)) === 'en', 'html lang is not en')
      check((await page.evaluate(() => localStorage.getItem('zhiku.locale'))) === 'en', 'the choice is not kept')

      await page.locator('[data-test="locale-switch"]').click()
      await page.locator('[data-test="locale-zh-CN"]:visible').click()
      await until(async () => (await nav.textContent()).includes('工作台'), { what: 'the Chinese menu' })
      await until(async () => (await page.locator('#tab-overview').textContent()).trim() === '概览', { what: 'the Chinese stats tabs' })
      check((await page.evaluate(() => document.documentElement.lang)) === 'zh-CN', 'html lang is not zh-CN')
      log('English and back to Chinese')
    },
  },

  {
    name: 'E002 switches 情报被采纳 mail off in 通知设置; ADMIN sees the five scheduled jobs',
    async run({ session, log }) {
      const { page } = await signIn(session, 'E002', '/')
      await page.locator('[data-test="user-menu"]').click()
      await page.locator('[data-test="menu-notification-settings"]:visible').click()
      await page.waitForURL('**/settings/notifications')
      const row = page.locator('[data-test="pref-row"][data-kind="intel_adopted"]')
      await row.waitFor()
      check((await row.textContent()).includes('情报被采纳'), 'the intel_adopted row is not labelled 情报被采纳')
      const off = page.locator('[data-test="pref-intel_adopted-off"] input')

      /** Picks `choice` for intel_adopted, saves with PUT and answers the saved choice. */
      async function choose(choice) {
        await page.locator(`[data-test="pref-intel_adopted-${choice}"]`).click()
        const saved = apiResponse(page, 'PUT', '/api/v1/me/notification-preferences')
        await page.locator('[data-test="pref-save"]').click()
        const response = await saved
        check(response.status() === 200, `PUT /me/notification-preferences answered ${response.status()}: ${await response.text()}`)
        const body = await response.json()
        return body.items.find((i) => i.kind === 'intel_adopted')?.email
      }

      // A server reused from an earlier run may hold off already: start from the default.
      if (await off.isChecked()) check((await choose('immediate')) === 'immediate', 'could not reset intel_adopted')
      check((await choose('off')) === 'off', 'the server did not keep intel_adopted off')
      await until(async () => (await page.locator('[data-test="pref-save"]').isDisabled()), { what: 'the form to be saved' })

      const reloaded = apiResponse(page, 'GET', '/api/v1/me/notification-preferences')
      await page.reload()
      check((await reloaded).status() === 200, 'GET /me/notification-preferences failed after the reload')
      await page.locator('[data-test="pref-row"][data-kind="intel_adopted"]').waitFor()
      await until(() => off.isChecked(), { what: 'intel_adopted to be off after the reload' })
      check(!(await page.locator('[data-test="pref-intel_adopted-immediate"] input').isChecked()), 'immediate is still checked')
      log('E002: 情报被采纳 → 不发送, still off after a reload')

      const admin = (await signIn(session, 'ADMIN', '/admin')).page
      const listed = apiResponse(admin, 'GET', '/api/v1/jobs')
      await admin.locator('#tab-jobs').click()
      const response = await listed
      check(response.status() === 200, `GET /jobs answered ${response.status()}`)
      const jobs = admin.locator('[data-test="job-row"]')
      await until(async () => (await jobs.count()) === 5, { what: 'five job rows' })
      const names = await jobs.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-job')))
      const expected = ['stale_check', 'review_queue', 'reminders', 'daily_digest', 'weekly_digest']
      check(JSON.stringify(names) === JSON.stringify(expected), `the jobs are ${JSON.stringify(names)}`)
      check((await admin.locator('[data-test="job-run"]').count()) === 5, 'not every job has a 立即运行 button')
      const labels = (await admin.locator('[data-test="job-name"]').allTextContents()).map((n) => n.trim())

      const outbox = apiResponse(admin, 'GET', '/api/v1/mail/outbox')
      await admin.locator('#tab-mail').click()
      const mail = await outbox
      check(mail.status() === 200, `GET /mail/outbox answered ${mail.status()}`)
      check(new URL(mail.url()).searchParams.get('status') === 'failed', 'the outbox is not filtered by failed first')
      await admin.locator('[data-test="mail-table"]').waitFor()
      log(`ADMIN sees the jobs ${labels.join('、')} and the failed-mail outbox (${(await mail.json()).total})`)
    },
  },

  {
    name: 'AM01 opens 我的待办 and 我的关注 and follows 中国联通',
    async run({ session, log }) {
      const { page } = await signIn(session, 'AM01', '/agenda')
      const feed = page.locator('input[data-test="calendar-url"]')
      await feed.waitFor()
      check(/^https?:\/\/.+/.test(await feed.inputValue()), 'the calendar feed has no URL')
      await page.locator('[data-test="agenda-tasks"]').waitFor()
      await page.locator('[data-test="agenda-reminders"]').waitFor()
      const tasks = await page.locator('[data-test="task"]').count()
      const reminders = await page.locator('[data-test="reminder"]').count()

      await page.locator('[data-test="nav-follows"]').click()
      await page.waitForURL('**/follows')
      await page.locator('[data-test="follow-list"]').waitFor()
      await page.locator('[data-test="follow-competitor"]').click()
      await pickOption(page, '.el-select-dropdown__item', '中国联通')
      const created = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/v1/follows')
      await page.locator('[data-test="follow-add"]').click()
      const response = await created
      // A server reused from an earlier run follows it already (409).
      check([201, 409].includes(response.status()), `POST /follows answered ${response.status()}`)
      const row = page.locator('[data-test="follow"]', { hasText: '中国联通' })
      await row.first().waitFor()
      check((await row.first().textContent()).includes('竞争对手'), 'the follow is not shown as a competitor')
      log(`AM01: ${tasks} open tasks, ${reminders} open reminders, a calendar feed, follows 中国联通 (${response.status()})`)
    },
  },

  {
    name: 'AM01 opens 我的客户 and a dossier filtered to competitor entries',
    async run({ session, log }) {
      const { page } = await signIn(session, 'AM01', '/')
      await page.locator('[data-test="nav-myClients"]').click()
      await page.waitForURL('**/my-clients')
      const rows = page.locator('[data-test="my-client"]')
      await rows.first().waitFor()
      const count = await rows.count()
      const sorted = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/me/clients' && new URL(r.url()).searchParams.get('sort') === 'name')
      await page.locator('[data-test="sort-name"]').click()
      check((await sorted).status() === 200, 'GET /me/clients?sort=name failed')
      await page.waitForURL(/sort=name/)
      await page.locator('[data-test="my-client-link"]').first().click()
      await page.waitForURL(/\/clients\/\d+/)
      await page.locator('[data-test="dossier-summary"]').waitFor()
      const filtered = page.waitForResponse((r) => r.url().includes('/dossier') && new URL(r.url()).searchParams.get('category') === 'competitor')
      await page.locator('[data-test="timeline-category"]').click()
      await pickOption(page, '.el-select-dropdown__item', '竞争对手')
      check((await filtered).status() === 200, 'GET /dossier?category=competitor failed')
      await page.waitForURL(/category=competitor/)
      const events = await page.locator('[data-test="timeline-event"][data-kind="owner"]').count()
      check(events === 0, 'a filtered timeline still shows owner changes')
      log(`AM01: ${count} clients in 我的客户, a dossier filtered to competitor entries`)
    },
  },

  {
    name: 'E001 submits a market-wide competitor entry (no client) and sees 全市场 on it',
    async run({ session, state, log }) {
      const marketer = (await signIn(session, 'M001', '/')).page
      state.marketWideBefore = await marketWideCount(marketer)

      const { page } = await signIn(session, 'E001', '/submit')
      await page.locator('[data-test="category-select"]').click()
      await pickOption(page, '[data-test="category-competitor"]')
      await page.locator('[data-test="scope-market"]').click()
      await page.locator('[data-test="market-hint"]').waitFor()
      check((await page.locator('[data-test="client-picker"]').count()) === 0, 'the client picker is still shown for the whole market')

      state.marketWord = `zkm${Date.now().toString(36)}`
      state.marketTitle = `端到端验收 ${state.marketWord} 电信全省专线资费下调`
      await page.locator('[data-test="title"]').fill(state.marketTitle)
      await page.locator('[data-test="body"]').fill(`营业厅海报显示电信全省专线本月起七折（验收标记 ${state.marketWord}），面向所有政企客户。`)
      await page.locator('[data-field="competitor"] .el-select').click()
      await pickOption(page, '.el-select-dropdown__item', MARKET_COMPETITOR)
      await page.locator('[data-field="offer"] input').fill('全省专线七折')
      await page.locator('[data-field="tariff"] input').fill('1680')
      await page.locator('[data-field="tariff"] input').press('Tab')

      const entry = await submitEntry(page)
      check(entry.client == null && entry.clients.length === 0, `the entry names clients: ${JSON.stringify(entry.clients)}`)
      state.marketId = entry.id

      await page.waitForURL(`**/intel/${entry.id}`)
      await page.locator(`[data-test="intel-detail"][data-id="${entry.id}"]`).waitFor()
      const tag = page.locator('[data-test="market-wide"]').first()
      await tag.waitFor()
      check((await tag.textContent()).trim() === '全市场', 'the entry page does not say 全市场')
      log(`entry #${entry.id} “${state.marketTitle}” about the whole market; 中国电信 had ${state.marketWideBefore} market-wide entries`)
    },
  },

  {
    name: 'R001 adopts the market-wide entry',
    async run({ session, state, log }) {
      const { page } = await signIn(session, 'R001', '/review')
      const item = page.locator(`[data-test="queue-item"][data-id="${state.marketId}"]`)
      await item.waitFor()
      check((await item.textContent()).includes('全市场'), 'the queue item does not say 全市场')
      await item.click()
      const tag = page.locator(`[data-test="review-panel"][data-id="${state.marketId}"] [data-test="market-wide"]`)
      await tag.waitFor()
      check((await tag.textContent()).trim() === '全市场', 'the review panel does not say 全市场')
      await scoreAndAdopt(page, state.marketId)
      log(`adopted #${state.marketId}`)
    },
  },

  {
    name: 'R002 finds the market-wide entry by search; M001 sees it in the competitor statistics',
    async run({ session, state, log }) {
      const hit = await searchHit(session, state.marketWord, state.marketId)
      check((await hit.locator('[data-test="market-wide"]').textContent()).trim() === '全市场', 'the search hit does not say 全市场')

      const marketer = (await signIn(session, 'M001', '/')).page
      const expected = state.marketWideBefore + 1
      const count = await until(
        async () => {
          const now = await marketWideCount(marketer)
          return now === expected ? now : null
        },
        { timeout: 20_000, interval: 1_000, what: `${MARKET_COMPETITOR} to count ${expected} market-wide entries` },
      )
      log(`found by search; ${MARKET_COMPETITOR} shows 全市场 ${count}`)
    },
  },

  {
    name: 'ADMIN opens 系统状态: every component of the server is ready',
    async run({ session, log }) {
      const { page } = await signIn(session, 'ADMIN', '/admin')
      await page.locator('#tab-health').click()
      const overall = page.locator('[data-test="health-overall"]')
      await overall.waitFor()
      for (const part of ['database', 'search', 'mail', 'scheduler']) {
        await page.locator(`[data-test="health-${part}"]`).waitFor()
      }
      const text = (await overall.textContent()).trim()
      check(text.includes('一切正常') || text.includes('部分功能降级'), `readiness is not ready: ${text}`)
      log(`系统状态: ${text}`)
    },
  },
]
