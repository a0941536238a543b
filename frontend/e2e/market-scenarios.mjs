// End-to-end scenarios of the client lists and lost clients (README: the
// branch's method), in the shape of `scenarios` in scenarios.mjs: `{ name, run({ session, state, log }) }`.
// They need the demo world and run after those scenarios, or alone.

import fs from 'node:fs'
import { apiResponse, check, pickOption, signIn, until } from './scenarios.mjs'

const SEGMENT = 'supporter'
const INDUSTRY = '物流'
const WITHIN_DAYS = 90
// A client AM01 owns in the demo world (src/demo/data.rs; 皖江汽车 was handed over), found by its alias.
const LOSING_CLIENT = '芜湖江北新区建设投资有限公司'
const LOSING_ALIAS = '江北建投'
const COMPETITOR = '中国电信'

/** The next answer to `GET /api/v1/clients` whose query has every pair of `params`. */
function clientList(page, params) {
  return page.waitForResponse((response) => {
    const url = new URL(response.url())
    return url.pathname === '/api/v1/clients' && Object.entries(params).every(([key, value]) => url.searchParams.get(key) === String(value))
  })
}

/** Days from today (the reader's) to `day` (YYYY-MM-DD). */
function daysUntil(day) {
  const [y, m, d] = day.split('-').map(Number)
  const now = new Date()
  return Math.round((Date.UTC(y, m - 1, d) - Date.UTC(now.getFullYear(), now.getMonth(), now.getDate())) / 86_400_000)
}

/** Picks `status` in the open dossier's status dialog, fills `loss` when given, saves; answers the saved client. */
async function changeStatus(page, clientId, status, loss) {
  await page.locator('[data-test="change-status"]').click()
  await page.locator('[data-test="client-status-form"]:visible').waitFor()
  await page.locator(`[data-test="client-status-${status}"]:visible`).click()
  if (loss) {
    for (const reason of loss.reasons) await page.locator(`[data-test="loss-reason-${reason}"]:visible`).click()
    await page.locator('[data-test="loss-competitor"]:visible').click()
    await pickOption(page, '.el-select-dropdown__item', loss.competitor)
    await page.locator('[data-test="loss-note"]:visible').fill(loss.note)
  }
  const saved = apiResponse(page, 'PATCH', `/api/v1/clients/${clientId}`)
  await page.locator('[data-test="client-status-save"]:visible').click()
  const response = await saved
  check(response.status() === 200, `PATCH /clients/${clientId} answered ${response.status()}: ${await response.text()}`)
  const body = await response.json()
  check(body.status === status, `the client is ${body.status} after choosing ${status}`)
  await page.locator(`[data-test="client-status-label"][data-status="${status}"]`).waitFor()
  return body
}

export const marketScenarios = [
  {
    name: `M001 lists supporters in ${INDUSTRY} whose contract ends within ${WITHIN_DAYS} days and exports them`,
    async run({ session, log }) {
      const { page } = await signIn(session, 'M001', '/clients')
      await page.locator('[data-test="client-table"]').waitFor()

      const bySegment = clientList(page, { segment: SEGMENT })
      await page.locator('[data-test="filter-segment"]').click()
      await pickOption(page, `[data-test="segment-option-${SEGMENT}"]`)
      check((await bySegment).status() === 200, 'GET /clients?segment= failed')

      const byIndustry = clientList(page, { segment: SEGMENT, industry: INDUSTRY })
      await page.locator('input[data-test="filter-industry"]').fill(INDUSTRY)
      check((await byIndustry).status() === 200, 'GET /clients?industry= failed')

      const filtered = clientList(page, { segment: SEGMENT, industry: INDUSTRY, contract_end_within: WITHIN_DAYS })
      await page.locator('[data-test="filter-contract-end"]').click()
      await pickOption(page, `[data-test="contract-end-${WITHIN_DAYS}"]`)
      const response = await filtered
      check(response.status() === 200, `GET /clients with the three filters answered ${response.status()}`)
      const { items, total } = await response.json()
      check(items.length > 0, `no supporter in ${INDUSTRY} has a contract ending within ${WITHIN_DAYS} days (the demo world seeds one)`)
      for (const c of items) {
        check(c.segment === SEGMENT, `${c.name} is in segment ${c.segment}`)
        check((c.industry ?? '').includes(INDUSTRY), `${c.name} is in industry ${c.industry}`)
        const days = c.contract_end ? daysUntil(c.contract_end) : null
        check(days !== null && days >= 0 && days <= WITHIN_DAYS, `${c.name}'s contract ends ${c.contract_end}`)
      }
      await until(async () => (await page.locator('[data-test="client-link"]').count()) === items.length, {
        what: `${items.length} rows in the filtered list`,
      })

      // The filters are in the URL: the list can be shared.
      const shared = new URL(page.url())
      check(
        shared.searchParams.get('segment') === SEGMENT &&
          shared.searchParams.get('industry') === INDUSTRY &&
          shared.searchParams.get('contract_end_within') === String(WITHIN_DAYS),
        `the URL does not hold the filters: ${page.url()}`,
      )
      const reopened = clientList(page, { segment: SEGMENT, industry: INDUSTRY, contract_end_within: WITHIN_DAYS })
      await page.reload()
      check((await reopened).status() === 200, 'the shared URL does not ask for the same list')

      async function exportAs(format) {
        const exported = apiResponse(page, 'GET', '/api/v1/clients/export')
        await page.locator('[data-test="client-export"]').click()
        const [download] = await Promise.all([page.waitForEvent('download'), page.locator(`[data-test="client-export-${format}"]:visible`).click()])
        const answer = await exported
        check(answer.status() === 200, `the ${format} export answered ${answer.status()}`)
        const sent = new URL(answer.url()).searchParams
        check(
          sent.get('segment') === SEGMENT && sent.get('industry') === INDUSTRY && sent.get('contract_end_within') === String(WITHIN_DAYS) && sent.get('format') === format,
          `the export was asked with other filters: ${answer.url()}`,
        )
        const name = download.suggestedFilename()
        check(name.endsWith(`.${format}`), `the download is named ${name}`)
        return { name, bytes: fs.readFileSync(await download.path()) }
      }

      const csv = await exportAs('csv')
      const text = csv.bytes.toString('utf8')
      for (const c of items) check(text.includes(c.name), `the CSV lacks ${c.name}`)
      const xlsx = await exportAs('xlsx')
      check(xlsx.bytes.subarray(0, 2).toString('latin1') === 'PK', 'the XLSX is not a zip file')
      log(`${total} supporters in ${INDUSTRY} ending within ${WITHIN_DAYS} days; exported ${csv.name} and ${xlsx.name}`)
    },
  },

  {
    name: `AM01 marks ${LOSING_CLIENT} lost to a ${COMPETITOR} offer; M001 finds it among the lost clients`,
    async run({ session, state, log }) {
      const { page } = await signIn(session, 'AM01', `/clients?q=${encodeURIComponent(LOSING_ALIAS)}`)
      const link = page.locator('[data-test="client-link"]', { hasText: LOSING_CLIENT }).first()
      await link.waitFor()
      const clientId = Number(await link.getAttribute('data-id'))
      await link.click()
      await page.waitForURL(`**/clients/${clientId}`)
      const label = page.locator('[data-test="client-status-label"]')
      await label.waitFor()

      // A server reused from an earlier run has it lost already: win it back first.
      if ((await label.getAttribute('data-status')) !== 'active') {
        const back = await changeStatus(page, clientId, 'active')
        log(`won back first (outcome ${back.loss?.outcome ?? 'none'})`)
      }

      const note = `端到端验收 ${Date.now().toString(36)}：电信全省专线七折，客户已签约对方`
      const lost = await changeStatus(page, clientId, 'lost', { reasons: ['competitor_offer'], competitor: COMPETITOR, note })
      check(lost.loss && lost.loss.reasons.includes('competitor_offer'), `the loss was saved as ${JSON.stringify(lost.loss)}`)
      check(lost.loss.competitor === COMPETITOR, `the loss names ${lost.loss.competitor}`)
      const card = page.locator('[data-test="client-loss"][data-open="true"]')
      await card.waitFor()
      const cardText = await card.textContent()
      check(cardText.includes(COMPETITOR) && cardText.includes('竞争对手优惠'), `the dossier shows the loss as: ${cardText}`)
      state.lossId = lost.loss.id

      const marketer = (await signIn(session, 'M001', '/stats')).page
      const losses = marketer.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/stats/losses')
      await marketer.locator('#tab-losses').click()
      const answer = await losses
      check(answer.status() === 200, `GET /stats/losses answered ${answer.status()}`)
      const report = await answer.json()
      check(
        report.items.some((i) => i.loss.id === lost.loss.id && i.client.id === clientId),
        `loss #${lost.loss.id} is not among the ${report.items.length} losses of the period`,
      )
      const row = marketer.locator(`[data-test="loss-row"][data-client-id="${clientId}"]`).first()
      await row.waitFor()
      const tableRow = marketer.locator('[data-test="loss-table"] .el-table__row', { has: row }).first()
      const rowText = await tableRow.textContent()
      check(rowText.includes(COMPETITOR) && rowText.includes('竞争对手优惠'), `the lost-client row reads: ${rowText}`)
      await marketer.locator('[data-test="loss-reason-chart"] canvas').first().waitFor()
      log(`${LOSING_CLIENT} (#${clientId}) lost to ${COMPETITOR}; loss #${lost.loss.id} among ${report.total} in the lost-client tab`)
    },
  },
]
