// The 邮件 (GET /mail/outbox, POST /mail/outbox/{id}/retry) and 定时任务
// (GET /jobs, POST /jobs/{name}/run) admin tabs and their data shaping,
// with bodies shaped as src/mail/model.rs `MailView` and src/jobs/routes.rs `JobView`.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import AdminMail from '@/views/admin/AdminMail.vue'
import AdminJobs from '@/views/admin/AdminJobs.vue'
import type { JobView, Mail } from '@/types'
import { setLocale } from '@/i18n'
import { mailRow, mailRows } from '@/utils/mail'
import { alreadyRanMessage, jobRows, ranMessage, summaryText } from '@/utils/jobs'
import { json, mountView, on, query, routedFetch } from './fixtures'

function mail(overrides: Partial<Mail> = {}): Mail {
  return {
    id: 31,
    user_id: 1,
    recipient: 'e001@example.com',
    kind: 'intel_adopted',
    subject: '你的情报已被采纳',
    status: 'failed',
    attempts: 5,
    last_error: 'smtp: 550 mailbox unavailable',
    next_attempt_at: '2026-11-28T09:00:00Z',
    created_at: '2026-11-28T08:00:00Z',
    sent_at: null,
    ...overrides,
  }
}

function jobs(): JobView[] {
  // The server's order is Job::ALL; shuffled here to check the sort.
  return [
    { job: 'weekly_digest', current_period: '2026-W48', done: false, last_run: null },
    {
      job: 'stale_check',
      current_period: '2026-11-28',
      done: true,
      last_run: { period: '2026-11-28', started_at: '2026-11-28T00:00:05Z', summary: { entries: 3, notifications: 2 } },
    },
    { job: 'daily_digest', current_period: '2026-11-28', done: false, last_run: null },
    {
      job: 'review_queue',
      current_period: '2026-11-28',
      done: true,
      last_run: { period: '2026-11-28', started_at: '2026-11-28T00:00:06Z', summary: { reviewers: 2 } },
    },
  ]
}

function el<T extends Element = HTMLElement>(selector: string): T | null {
  return document.body.querySelector<T>(selector)
}

function messages(): string[] {
  return [...document.body.querySelectorAll('.el-message')].map((m) => m.textContent?.trim() ?? '')
}

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
  setLocale('zh-CN')
})

describe('mail outbox shaping', () => {
  it('offers retry for failed mail only, and a next attempt only while the sender will try', () => {
    const failed = mailRow(mail())
    expect(failed.canRetry).toBe(true)
    expect(failed.nextAttempt).toBeNull()
    expect(failed.statusText).toBe('发送失败')
    expect(failed.tone).toBe('danger')
    expect(failed.kindText).toBe('情报被采纳')

    const [pending, sent, digest] = mailRows([
      mail({ id: 32, status: 'pending', attempts: 2, next_attempt_at: '2026-11-28T10:00:00Z' }),
      mail({ id: 33, status: 'sent', sent_at: '2026-11-28T08:01:00Z', last_error: null }),
      mail({ id: 34, status: 'digest', kind: 'weekly_digest' }),
    ])
    expect(pending.canRetry).toBe(false)
    expect(pending.nextAttempt).toBe('2026-11-28T10:00:00Z')
    expect(sent.canRetry).toBe(false)
    expect(sent.nextAttempt).toBeNull()
    expect(sent.tone).toBe('success')
    expect(digest.kindText).toBe('每周回顾')
    expect(digest.statusText).toBe('等待每日汇总')
    expect(mailRow(mail({ kind: 'daily_digest' })).kindText).toBe('每日汇总')
  })
})

describe('jobs shaping', () => {
  it('orders the four jobs and describes their last run', () => {
    const rows = jobRows(jobs())
    expect(rows.map((r) => r.job)).toEqual(['stale_check', 'review_queue', 'daily_digest', 'weekly_digest'])
    expect(rows.map((r) => r.label)).toEqual(['时效检查', '待审核提醒', '每日汇总邮件', '每周回顾邮件'])
    expect(rows[0].summaryText).toBe('过时效情报 3，通知 2')
    expect(rows[1].summaryText).toBe('提醒审核人员 2')
    expect(rows[3].summaryText).toBe('')
    expect(rows.every((r) => r.hint.length > 0)).toBe(true)
  })

  it('keeps unknown summary keys and jobs readable', () => {
    expect(summaryText({ week: '2026-11-16 – 2026-11-22', digests: 4, extra: { a: 1 } })).toBe(
      '周 2026-11-16 – 2026-11-22，汇总邮件 4，extra {"a":1}',
    )
    expect(summaryText(null)).toBe('')
    expect(summaryText({})).toBe('')
    const rows = jobRows([...jobs(), { job: 'reindex' as never, current_period: 'x', done: false, last_run: null }])
    expect(rows[4].label).toBe('reindex')
    setLocale('en')
    expect(summaryText({ entries: 3, notifications: 2 })).toBe('stale entries 3, notifications 2')
  })

  it('words the run and the 409', () => {
    expect(ranMessage('stale_check', { entries: 0, notifications: 0 })).toBe('时效检查 已运行：过时效情报 0，通知 0')
    expect(ranMessage('daily_digest', {})).toBe('每日汇总邮件 已运行')
    expect(alreadyRanMessage({ job: 'weekly_digest', current_period: '2026-W48' })).toBe(
      '每周回顾邮件 在本周期（2026-W48）已运行过。如需再次运行，请勾选“强制”。',
    )
  })
})

describe('邮件 tab', () => {
  it('lists failed mail by default, retries one and follows the status filter', async () => {
    let failed = true
    const { calls } = routedFetch(
      on('GET', '/mail/outbox', (call) => {
        const status = query(call).get('status')
        const items = status === 'failed' ? (failed ? [mail()] : []) : [mail({ status: failed ? 'failed' : 'pending' }), mail({ id: 30, status: 'sent', last_error: null })]
        return json(200, { items, total: items.length })
      }),
      on('POST', '/mail/outbox/31/retry', () => {
        failed = false
        return json(200, mail({ status: 'pending', attempts: 0 }))
      }),
    )
    const { wrapper } = await mountView(AdminMail, { path: '/admin', pattern: '/admin', roles: ['admin'] })
    const first = calls.find((c) => c.url.startsWith('/api/v1/mail/outbox'))!
    expect(query(first).get('status')).toBe('failed')
    expect(query(first).get('page')).toBe('1')
    const table = el('[data-test="mail-table"]')!
    expect(table.textContent).toContain('e001@example.com')
    expect(table.textContent).toContain('你的情报已被采纳')
    expect(table.textContent).toContain('smtp: 550 mailbox unavailable')
    expect(table.textContent).toContain('发送失败')

    el<HTMLButtonElement>('[data-test="mail-retry"][data-id="31"]')!.click()
    await flushPromises()
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.url)).toEqual(['/api/v1/mail/outbox/31/retry'])
    await vi.waitFor(() => expect(messages()).toContain('邮件已重新排队发送'))
    // Reloaded: it is no longer failed.
    expect(el('[data-test="mail-retry"]')).toBeNull()
    expect(el('[data-test="mail-table"]')!.textContent).toContain('没有符合条件的邮件')

    ;(wrapper.vm as unknown as { list: { filters: { status: string } } }).list.filters.status = ''
    await flushPromises()
    const last = calls.filter((c) => c.url.startsWith('/api/v1/mail/outbox')).at(-1)!
    expect(query(last).has('status')).toBe(false)
    expect(el('[data-test="mail-table"]')!.textContent).toContain('已发送')
    wrapper.unmount()
  })

  it('explains a 409 from retry', async () => {
    routedFetch(
      on('GET', '/mail/outbox', { items: [mail()], total: 1 }),
      on('POST', '/mail/outbox/31/retry', () => json(409, { error: 'conflict', message: '只有发送失败的邮件可以重发' })),
    )
    const { wrapper } = await mountView(AdminMail, { path: '/admin', pattern: '/admin', roles: ['admin'] })
    el<HTMLButtonElement>('[data-test="mail-retry"][data-id="31"]')!.click()
    await flushPromises()
    await vi.waitFor(() => expect(messages()).toContain('这封邮件已不是发送失败状态，列表已刷新'))
    wrapper.unmount()
  })
})

describe('定时任务 tab', () => {
  it('lists the four jobs with their last run', async () => {
    routedFetch(on('GET', '/jobs', jobs()))
    const { wrapper } = await mountView(AdminJobs, { path: '/admin', pattern: '/admin', roles: ['admin'] })
    const names = [...document.body.querySelectorAll('[data-test="job-row"]')].map((r) => r.getAttribute('data-job'))
    expect(names).toEqual(['stale_check', 'review_queue', 'daily_digest', 'weekly_digest'])
    expect(el('[data-test="jobs-table"]')!.textContent).toContain('过时效情报 3，通知 2')
    expect(el('[data-test="jobs-table"]')!.textContent).toContain('从未运行')
    expect(document.body.querySelectorAll('[data-test="job-run"]')).toHaveLength(4)
    wrapper.unmount()
  })

  it('runs a job, shows a 409 nicely and forces on request', async () => {
    const { calls } = routedFetch(
      on('GET', '/jobs', jobs()),
      on('POST', '/jobs/stale_check/run', (call) =>
        query(call).get('force') === 'true'
          ? json(200, { job: 'stale_check', period: '2026-11-28', forced: true, summary: { entries: 1, notifications: 1 } })
          : json(409, { error: 'conflict', message: '本周期已运行过该任务；如需再次运行请加 force=true' }),
      ),
    )
    const { wrapper } = await mountView(AdminJobs, { path: '/admin', pattern: '/admin', roles: ['admin'] })
    el<HTMLButtonElement>('[data-test="job-run"][data-job="stale_check"]')!.click()
    await flushPromises()
    await vi.waitFor(() => expect(messages()).toContain('时效检查 在本周期（2026-11-28）已运行过。如需再次运行，请勾选“强制”。'))
    expect(messages().some((m) => m.includes('force=true'))).toBe(false)

    el('[data-test="job-force"][data-job="stale_check"] input')!.click()
    await flushPromises()
    el<HTMLButtonElement>('[data-test="job-run"][data-job="stale_check"]')!.click()
    await flushPromises()
    const runs = calls.filter((c) => c.method === 'POST').map((c) => c.url)
    expect(runs).toEqual(['/api/v1/jobs/stale_check/run', '/api/v1/jobs/stale_check/run?force=true'])
    await vi.waitFor(() => expect(messages()).toContain('时效检查 已运行：过时效情报 1，通知 1'))
    // The box is cleared after a forced run, and the list reloaded.
    expect(el<HTMLInputElement>('[data-test="job-force"][data-job="stale_check"] input')!.checked).toBe(false)
    expect(calls.filter((c) => c.url === '/api/v1/jobs')).toHaveLength(3)
    wrapper.unmount()
  })
})
