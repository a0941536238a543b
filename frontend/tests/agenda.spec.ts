import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import AgendaView from '@/views/AgendaView.vue'
import { setLocale } from '@/i18n'
import { dayAfter, formatDay, handoverSections, intelFromVisit, isOverdue, maySnoozeTo, parseOffsets, reminderContext, reminderTitle } from '@/utils/agenda'
import { jobRows, summaryText } from '@/utils/jobs'
import { json, mountView, on, query, routedFetch, type Call } from './fixtures'
import { handoverPreview, reminder, task, visit } from './loop-fixtures'

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

describe('agenda rules', () => {
  it('read reminder offsets typed as tags or text: whole days, largest first, each once', () => {
    expect(parseOffsets('7, 30，60、30')).toEqual({ days: [60, 30, 7], dropped: [] })
    expect(parseOffsets([30, '7', ' 1 '])).toEqual({ days: [30, 7, 1], dropped: [] })
    expect(parseOffsets(['0', '-3', '2.5', 'abc', '3651', '3650'])).toEqual({ days: [3650], dropped: ['0', '-3', '2.5', 'abc', '3651'] })
    expect(parseOffsets('')).toEqual({ days: [], dropped: [] })
  })

  it('snooze only to a day after today; a day before today is overdue', () => {
    const today = new Date(2026, 11, 4, 15, 30)
    expect(maySnoozeTo(new Date(2026, 11, 4, 23, 59), today)).toBe(false)
    expect(maySnoozeTo(new Date(2026, 11, 5), today)).toBe(true)
    expect(dayAfter(7, today)).toBe('2026-12-11')
    expect(dayAfter(28, today)).toBe('2027-01-01')
    expect(isOverdue('2026-12-03', today)).toBe(true)
    expect(isOverdue('2026-12-04', today)).toBe(false)
  })

  it('word a fact reminder by its date and offset, in both languages', () => {
    expect(reminderContext(reminder())).toBe('2099/03/03（提前 30 天）')
    expect(reminderContext(reminder({ offset_days: 0 }))).toBe('2099/03/03 当天')
    expect(reminderContext(reminder({ kind: 'task', fact_on: null }))).toBe('')
    setLocale('en')
    expect(reminderContext(reminder())).toBe('03/03/2099 (30 days before)')
    expect(formatDay('2026-12-04')).toBe('04/12/2026')
  })

  it('prefill an entry from a visit with its client and day', () => {
    expect(intelFromVisit(visit())).toEqual({ client_id: '9', observed_at: '2026-11-18' })
  })

  it('list the handover preview in five sections with one line per item', () => {
    const sections = handoverSections(handoverPreview())
    expect(sections.map((s) => [s.key, s.count])).toEqual([
      ['contacts', 1],
      ['open_tasks', 1],
      ['reminders', 0],
      ['pending_entries', 1],
      ['follows', 2],
    ])
    expect(sections[0].lines).toEqual(['李总 · 财务副总 · 决策人'])
    expect(sections[1].lines).toEqual(['发送专线报价 · 2099/12/10 到期'])
    expect(sections[3].lines).toEqual(['新办公楼装修 · 张三'])
    expect(sections[4].lines).toEqual(['王经理', '孙营销'])
  })
})

async function openAgenda() {
  const { calls } = routedFetch(
    on('GET', '/tasks', { items: [task(), task({ id: 12, title: '回访财务部', due_on: '2020-01-01', visit_id: null })], total: 2 }),
    on('GET', '/reminders', (call: Call) =>
      json(200, query(call).get('status') === 'snoozed'
        ? { items: [reminder({ id: 32, status: 'snoozed', snoozed_until: '2099-01-20' })], total: 1 }
        : { items: [reminder()], total: 1 }),
    ),
    on('GET', '/me/calendar', { url: 'https://zhiku.example/cal/abc.ics' }),
    on('POST', '/me/calendar/rotate', { url: 'https://zhiku.example/cal/new.ics' }),
    on('POST', '/tasks/11/done', (call: Call) => json(200, task({ status: 'done', result: (call.body as { result: string }).result }))),
    on('POST', '/reminders/31/done', reminder({ status: 'done' })),
    on('POST', '/reminders/31/snooze', (call: Call) => json(200, reminder({ status: 'snoozed', snoozed_until: (call.body as { until: string }).until }))),
    on('POST', '/reminders/31/reassign', reminder()),
    on('GET', '/users', { items: [{ id: 8, employee_no: 'AM02', real_name: '李娜', email: null, department: null, roles: ['account_manager'], is_active: true, points: null }], total: 1 }),
  )
  const mounted = await mountView(AgendaView, { path: '/agenda', pattern: '/agenda', roles: ['account_manager'] })
  return { ...mounted, calls }
}

describe('my agenda', () => {
  it('lists my open tasks with overdue ones marked, and closes one with its result', async () => {
    const { wrapper, calls } = await openAgenda()
    expect(query(calls.find((c) => c.url.startsWith('/api/v1/tasks'))!).get('status')).toBe('open')
    const rows = wrapper.findAll('[data-test="task"]')
    expect(rows).toHaveLength(2)
    expect(rows[0].text()).toContain('发送专线报价')
    expect(rows[0].text()).toContain('来自拜访')
    expect(rows[1].text()).toContain('已逾期')

    await rows[0].find('[data-test="task-done"]').trigger('click')
    await flushPromises()
    const result = el<HTMLTextAreaElement>('textarea[data-test="task-result"]')!
    result.value = ' 已发报价 '
    result.dispatchEvent(new Event('input'))
    el<HTMLButtonElement>('[data-test="task-done-confirm"]')!.click()
    await flushPromises()
    expect(calls.find((c) => c.method === 'POST' && c.url === '/api/v1/tasks/11/done')?.body).toEqual({ result: '已发报价' })
    expect(messages()).toContain('任务已完成')
    wrapper.unmount()
  })

  it('shows reminders by status and marks one done, snoozes it to a later day and reassigns it', async () => {
    const { wrapper, calls, router } = await openAgenda()
    const row = wrapper.find('[data-test="reminder"]')
    expect(row.text()).toContain('合同到期')
    expect(row.text()).toContain('2099/03/03（提前 30 天）')
    expect(row.find('a[href="/intel/41"]').exists()).toBe(true)

    await row.find('[data-test="reminder-done"]').trigger('click')
    await flushPromises()
    expect(calls.some((c) => c.method === 'POST' && c.url === '/api/v1/reminders/31/done')).toBe(true)

    await wrapper.find('[data-test="reminder-snooze"]').trigger('click')
    await flushPromises()
    el<HTMLButtonElement>('[data-test="snooze-confirm"]')!.click()
    await flushPromises()
    expect(calls.find((c) => c.url === '/api/v1/reminders/31/snooze')?.body).toEqual({ until: dayAfter(7) })

    await wrapper.find('[data-test="reminder-reassign"]').trigger('click')
    await flushPromises()
    el<HTMLButtonElement>('[data-test="reassign-confirm"]')!.click()
    await flushPromises()
    // No colleague picked: nothing sent.
    expect(calls.some((c) => c.url === '/api/v1/reminders/31/reassign')).toBe(false)
    expect(el('[data-test="reassign-confirm"]')!.closest('.el-dialog')!.querySelector('.el-form-item.is-error')).not.toBeNull()

    // The snoozed tab asks the server for snoozed reminders and shows until when.
    const snoozedTab = [...document.body.querySelectorAll<HTMLInputElement>('[data-test="reminder-status"] input')].find((i) => i.value === 'snoozed')!
    snoozedTab.click()
    await flushPromises()
    await vi.waitFor(() => expect(router.currentRoute.value.query.status).toBe('snoozed'))
    await vi.waitFor(() => expect(wrapper.find('[data-test="reminder"]').text()).toContain('推迟至 2099/01/20'))
    wrapper.unmount()
  })

  it('shows my calendar feed, copies it and rotates it only after confirmation', async () => {
    const writeText = vi.fn(() => Promise.resolve())
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true })
    const { wrapper, calls } = await openAgenda()
    const input = wrapper.find<HTMLInputElement>('input[data-test="calendar-url"]')
    expect(input.element.value).toBe('https://zhiku.example/cal/abc.ics')
    expect(wrapper.find('[data-test="agenda-calendar"]').text()).toContain('Outlook')

    await wrapper.find('[data-test="calendar-copy"]').trigger('click')
    await flushPromises()
    expect(writeText).toHaveBeenCalledWith('https://zhiku.example/cal/abc.ics')

    await wrapper.find('[data-test="calendar-rotate"]').trigger('click')
    await vi.waitFor(() => expect(el('.el-message-box')).not.toBeNull())
    expect(calls.some((c) => c.url === '/api/v1/me/calendar/rotate')).toBe(false)
    el<HTMLButtonElement>('.el-message-box .el-button--primary')!.click()
    await flushPromises()
    await vi.waitFor(() => expect(wrapper.find<HTMLInputElement>('input[data-test="calendar-url"]').element.value).toBe('https://zhiku.example/cal/new.ics'))
    wrapper.unmount()
  })
})

describe('reminder titles', () => {
  it('drop the client name the server puts first, since the client is shown beside it', () => {
    const client = { id: 12, name: '无为皖电线缆集团有限公司' }
    expect(reminderTitle({ title: '无为皖电线缆集团有限公司：约冯主任勘查', client })).toBe('约冯主任勘查')
    expect(reminderTitle({ title: '无为皖电线缆集团有限公司: 合同到期', client })).toBe('合同到期')
    expect(reminderTitle({ title: '无为皖电线缆集团有限公司', client })).toBe('无为皖电线缆集团有限公司')
    expect(reminderTitle({ title: '无为皖电线缆集团有限公司二期', client })).toBe('无为皖电线缆集团有限公司二期')
    expect(reminderTitle({ title: '合同到期', client: null })).toBe('合同到期')
  })
})

describe('the reminders job', () => {
  it('sorts between the review queue and the digests, with a label and its summary worded', () => {
    const view = (job: string) => ({ job: job as never, current_period: '2026-12-04', done: false, last_run: null })
    const rows = jobRows([view('weekly_digest'), view('reminders'), view('stale_check')])
    expect(rows.map((r) => r.job)).toEqual(['stale_check', 'reminders', 'weekly_digest'])
    expect(rows[1].label).toBe('日期与任务提醒')
    expect(summaryText({ fact_reminders: 2, task_reminders: 1, closed: 0 })).toBe('日期提醒 2，任务提醒 1，已关闭 0')
  })
})
