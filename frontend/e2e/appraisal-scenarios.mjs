// The 绩效考核 scenarios: `{ name, run({ session, state, log }) }` as in
// scenarios.mjs, run after them against `zhiku serve --demo`. They read the
// last finished month (the page's default), change the rules only to put
// them back, and publish that month unless a run before them did.

const PASSWORD = process.env.ZHIKU_E2E_PASSWORD ?? 'zhiku2026'
const ACTIVITIES = ['saving', 'reporting', 'updating', 'use']

function check(condition, message) {
  if (!condition) throw new Error(message)
}

/** Polls `probe` until it returns a truthy value; returns that value. */
async function until(probe, { timeout = 15_000, interval = 250, what = 'condition' } = {}) {
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

function apiResponse(page, method, pathname) {
  return page.waitForResponse((response) => {
    const url = new URL(response.url())
    return response.request().method() === method && url.pathname === pathname
  })
}

/** The last finished month as the page opens on it (`2026-11`), in the browser's time zone. */
async function lastFinishedMonth(page) {
  return page.evaluate(() => {
    const now = new Date()
    const month = new Date(now.getFullYear(), now.getMonth() - 1, 1)
    return `${month.getFullYear()}-${String(month.getMonth() + 1).padStart(2, '0')}`
  })
}

/** Signs in and opens 绩效考核 from the menu; answers the page and the appraisal it loaded. */
async function openAppraisal(session, employeeNo) {
  const page = await session.newPage(employeeNo)
  await page.goto('/login')
  await page.locator('[data-test="login-input"]').fill(employeeNo)
  await page.locator('[data-test="password-input"]').fill(PASSWORD)
  await page.locator('[data-test="login-submit"]').click()
  await page.waitForURL((url) => !url.pathname.startsWith('/login'))
  const period = await lastFinishedMonth(page)
  const loaded = apiResponse(page, 'GET', `/api/v1/appraisals/${period}`)
  await page.locator('[data-test="nav-appraisal"]').click()
  await page.waitForURL('**/appraisal**')
  const response = await loaded
  check(response.status() === 200, `GET /appraisals/${period} answered ${response.status()}: ${await response.text()}`)
  return { page, period, appraisal: await response.json() }
}

/** The eight weighted sub-scores of a person add up to their total (to the thousandth). */
function checkSum(person) {
  const sum = ACTIVITIES.reduce((s, a) => s + person.activities[a].time.weighted + person.activities[a].quality.weighted, 0)
  check(Math.abs(sum - person.total) < 0.0005, `${person.real_name}: the sub-scores sum to ${sum}, the total is ${person.total}`)
}

/** The breakdown on the page ends with the person's total and shows a line per sub-score. */
async function checkBreakdown(breakdown, person) {
  await breakdown.waitFor()
  const sum = (await breakdown.locator('[data-test="breakdown-sum"]').textContent()).trim()
  check(sum.endsWith(`= ${person.total.toFixed(3)}`), `the breakdown of ${person.real_name} sums to “${sum}”, not ${person.total}`)
  const lines = await breakdown.locator('[data-test="breakdown-sub"]').count()
  check(lines === 8, `the breakdown has ${lines} sub-score lines, not 8`)
}

export const appraisalScenarios = [
  {
    name: 'E001 opens 绩效考核 and sees only their own breakdown',
    async run({ session, log }) {
      const { page, period, appraisal } = await openAppraisal(session, 'E001')
      check(appraisal.items.length === 1 && appraisal.items[0].employee_no === 'E001', `E001 is sent ${appraisal.items.length} rows`)
      const me = appraisal.items[0]
      checkSum(me)
      await page.locator('[data-test="appraisal-departments"]').waitFor()
      await checkBreakdown(page.locator('[data-test="appraisal-mine"] [data-test="appraisal-breakdown"]'), me)
      check((await page.locator('[data-test="appraisal-people"]').count()) === 0, 'an employee sees the people table')
      check((await page.locator('[data-test="appraisal-publish"]').count()) === 0, 'an employee may publish')
      check((await page.locator('[data-test="appraisal-export"]').count()) === 0, 'an employee may export')
      log(`${period}: ${me.real_name} ${me.total} (rank ${me.rank}), ${appraisal.departments.length} departments ranked`)
    },
  },

  {
    name: 'R001 reads everyone’s appraisal, a department and a breakdown, and exports XLSX',
    async run({ session, log }) {
      const { page, period, appraisal } = await openAppraisal(session, 'R001')
      check(appraisal.items.length > 1, `a reviewer is sent ${appraisal.items.length} rows`)
      appraisal.items.forEach(checkSum)
      const names = page.locator('[data-test="appraisal-people"] [data-test="appraisal-name"]')
      await names.first().waitFor()

      const department = appraisal.departments.find((d) => d.department_id !== null && d.people > 0)
      check(department, 'no department with people in the ranking')
      const filtered = apiResponse(page, 'GET', `/api/v1/appraisals/${period}`)
      await page.locator('[data-test="appraisal-department"]').click()
      await page.locator('.el-select-dropdown__item:visible', { hasText: department.name }).first().click()
      const response = await filtered
      check(new URL(response.url()).searchParams.get('department_id') === String(department.department_id), 'the filter is not sent')
      const rows = (await response.json()).items
      check(rows.length > 0 && rows.every((r) => r.department_id === department.department_id), `the ${department.name} rows are others'`)
      await until(async () => (await names.count()) === Math.min(rows.length, 20), { what: `${rows.length} rows of ${department.name}` })

      await page.locator('[data-test="appraisal-details"]').first().click()
      const first = rows[0]
      await checkBreakdown(page.locator('.el-dialog [data-test="appraisal-breakdown"]'), first)
      await page.keyboard.press('Escape')

      const exported = apiResponse(page, 'GET', `/api/v1/appraisals/${period}/export`)
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test="appraisal-export"]').click()])
      check((await exported).status() === 200, 'the export failed')
      const name = download.suggestedFilename()
      check(name.endsWith('.xlsx'), `the download is named ${name}`)
      log(`${appraisal.items.length} people; ${department.name}: ${rows.length}; ${first.real_name} ${first.total}; downloaded ${name}`)
    },
  },

  {
    name: 'ADMIN is stopped at weights summing to 105 and saves them back at 100 as a new version',
    async run({ session, log }) {
      const page = await session.newPage('ADMIN')
      await page.goto('/login?redirect=%2Fadmin%3Ftab%3Dappraisal')
      await page.locator('[data-test="login-input"]').fill('ADMIN')
      await page.locator('[data-test="password-input"]').fill(PASSWORD)
      const loaded = apiResponse(page, 'GET', '/api/v1/appraisal/rules')
      await page.locator('[data-test="login-submit"]').click()
      const before = await (await loaded).json()
      const sum = page.locator('[data-test="weights-sum"]')
      await sum.waitFor()
      check((await sum.textContent()).includes('100%'), `the weights start at ${await sum.textContent()}`)

      const input = page.locator('[data-test="weight-use_quality"] input')
      const weight = before.rules.weights.use_quality
      await input.fill(String(weight + 5))
      await input.press('Tab')
      await until(async () => (await sum.textContent()).includes('105%'), { what: 'the sum to read 105%' })
      await page.locator('[data-test="weights-error"]').waitFor()
      let puts = 0
      page.on('request', (r) => {
        if (r.method() === 'PUT' && new URL(r.url()).pathname === '/api/v1/appraisal/rules') puts += 1
      })
      await page.locator('[data-test="appraisal-rules-save"]').click()
      await page.waitForTimeout(500)
      check(puts === 0, 'weights summing to 105 were sent')

      await input.fill(String(weight))
      await input.press('Tab')
      await until(async () => (await sum.textContent()).includes('100%'), { what: 'the sum back at 100%' })
      const saved = apiResponse(page, 'PUT', '/api/v1/appraisal/rules')
      await page.locator('[data-test="appraisal-rules-save"]').click()
      const response = await saved
      check(response.status() === 200, `PUT /appraisal/rules answered ${response.status()}: ${await response.text()}`)
      const after = await response.json()
      check(after.version === before.version + 1, `saving made version ${after.version} after ${before.version}`)
      await until(async () => (await page.locator('[data-test="appraisal-rules"]').textContent()).includes(`${after.version}`), {
        what: `version ${after.version} on the page`,
      })
      log(`rules version ${before.version} → ${after.version}, weights unchanged`)
    },
  },

  {
    name: 'R001, head of 信息管理部, publishes the last finished month; every breakdown adds up by the published weights',
    async run({ session, log }) {
      const { page, period, appraisal } = await openAppraisal(session, 'R001')
      const status = page.locator('[data-test="appraisal-status"]')
      await status.waitFor()
      if (appraisal.published) {
        check((await page.locator('[data-test="appraisal-publish"]').count()) === 0, 'a published period offers 发布')
        log(`${period} was published by an earlier run (${appraisal.published_by?.real_name})`)
        return
      }
      check((await status.getAttribute('data-published')) === 'false', 'an unpublished period is not shown as a preview')
      await page.locator('[data-test="appraisal-publish"]').click()
      const box = page.locator('.el-message-box')
      await box.waitFor()
      const published = apiResponse(page, 'POST', '/api/v1/appraisals')
      const reloaded = apiResponse(page, 'GET', `/api/v1/appraisals/${period}`)
      await box.locator('.el-button--primary').click()
      const response = await published
      check(response.status() === 201, `POST /appraisals answered ${response.status()}: ${await response.text()}`)
      const frozen = await (await reloaded).json()
      check(frozen.published && frozen.published_by?.real_name, 'the reloaded appraisal is not published')
      await until(async () => (await status.getAttribute('data-published')) === 'true', { what: 'the 已发布 tag' })
      check((await status.textContent()).includes(frozen.published_by.real_name), 'the publisher is not named')
      check((await page.locator('[data-test="appraisal-publish"]').count()) === 0, '发布 is still offered')
      // Every person's four-by-two breakdown adds up to the published total by the published weights.
      const w = frozen.rules.rules.weights
      for (const person of frozen.items) {
        let thousandths = 0
        for (const activity of ['saving', 'reporting', 'updating', 'use']) {
          for (const dimension of ['time', 'quality']) {
            const sub = person.activities[activity][dimension]
            check(sub.weight === w[`${activity}_${dimension}`], `${person.employee_no} ${activity}.${dimension} weight ${sub.weight} is not the published one`)
            thousandths += Math.round(sub.score * 10) * sub.weight
          }
        }
        check(thousandths === Math.round(person.total * 1000), `${person.employee_no}: the parts add up to ${thousandths / 1000}, the total is ${person.total}`)
      }
      log(`${period} published: ${frozen.items.length} people, rules version ${frozen.rules.version}, every breakdown adds up`)
    },
  },
]
