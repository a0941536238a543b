import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import ClientDossierView from '@/views/ClientDossierView.vue'
import ReviewView from '@/views/ReviewView.vue'
import type { Role } from '@/types'
import { BUSINESS, contact, dossier, intel, json, mountView, on, routedFetch, type Call } from './fixtures'
import { handoverPreview, visit } from './loop-fixtures'

function el<T extends Element = HTMLElement>(selector: string): T | null {
  return document.body.querySelector<T>(selector)
}

function type(selector: string, value: string): void {
  const input = el<HTMLInputElement | HTMLTextAreaElement>(selector)
  if (!input) throw new Error(`no ${selector}`)
  input.value = value
  input.dispatchEvent(new Event('input'))
}

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

async function openDossier(roles: Role[] = [], me = { id: 5 }) {
  const { calls } = routedFetch(
    on('GET', '/categories', [BUSINESS]),
    on('GET', '/clients/9/dossier', dossier({ contacts: [contact(), contact({ id: 4, name: '周主任', title: '办公室主任', is_decision_maker: false })] })),
    on('GET', '/clients/9/visits', { items: [visit()], total: 1 }),
    on('GET', '/follows', []),
    on('POST', '/follows', (call: Call) => json(201, { id: 7, target: 'client', value: '9', label: '芜湖长江实业集团有限公司', delivery: (call.body as { delivery: string }).delivery, created_at: '2026-12-01T08:00:00Z' })),
    on('POST', '/visits', (call: Call) => json(201, visit({ id: 22, ...(call.body as object) }))),
    on('GET', '/users', { items: [{ id: 6, employee_no: 'AM04', real_name: '孙丽', email: null, department: null, roles: ['account_manager'], is_active: true, points: null }], total: 1 }),
    on('GET', '/clients/9/handover', handoverPreview()),
    on('PUT', '/clients/9/owner', (call: Call) => json(200, { ...dossier().client, owner: { id: (call.body as { owner_id: number }).owner_id, real_name: '孙丽' } })),
  )
  const mounted = await mountView(ClientDossierView, { path: '/clients/9', pattern: '/clients/:id', roles, me })
  return { ...mounted, calls }
}

describe('dossier visits', () => {
  it('lists the owner’s visits with contacts met, next steps and a link to write an entry from one', async () => {
    const { wrapper } = await openDossier()
    const card = wrapper.find('[data-test="visit"]')
    expect(card.text()).toContain('2026/11/18')
    expect(card.text()).toContain('方案交流')
    expect(card.text()).toContain('见到：李总')
    expect(card.text()).toContain('发送专线报价')
    expect(card.find('[data-test="visit-write-intel"]').attributes('href')).toBe('/submit?client_id=9&observed_at=2026-11-18')
    wrapper.unmount()
  })

  it('is not shown to someone who neither owns the client nor reviews', async () => {
    const { wrapper, calls } = await openDossier([], { id: 1 })
    expect(wrapper.find('[data-test="visits"]').exists()).toBe(false)
    expect(calls.some((c) => c.url.includes('/visits'))).toBe(false)
    wrapper.unmount()
  })

  it('records a visit with the contacts met and complete next steps only', async () => {
    const { wrapper, calls } = await openDossier()
    await wrapper.find('[data-test="record-visit"]').trigger('click')
    await flushPromises()
    el<HTMLButtonElement>('[data-test="visit-save"]')!.click()
    await flushPromises()
    expect(calls.some((c) => c.method === 'POST' && c.url === '/api/v1/visits')).toBe(false)

    type('input[data-test="visit-purpose"]', ' 例行拜访 ')
    type('textarea[data-test="visit-summary"]', '谈了扩容')
    const checkbox = [...document.body.querySelectorAll<HTMLInputElement>('[data-test="visit-contacts"] input')][1]
    checkbox.click()
    el<HTMLButtonElement>('[data-test="visit-add-step"]')!.click()
    await flushPromises()
    type('[data-test="visit-step"] input', '发报价')
    await flushPromises()
    // A step without its due date is refused here.
    el<HTMLButtonElement>('[data-test="visit-save"]')!.click()
    await flushPromises()
    expect(calls.some((c) => c.method === 'POST' && c.url === '/api/v1/visits')).toBe(false)
    expect(el('[data-test="visit-step"]')!.closest('.el-form-item')!.classList.contains('is-error')).toBe(true)

    const picker = wrapper.findAllComponents({ name: 'ElDatePicker' }).at(-1)!
    picker.vm.$emit('update:modelValue', '2026-12-20')
    await flushPromises()
    el<HTMLButtonElement>('[data-test="visit-save"]')!.click()
    await flushPromises()
    const post = calls.find((c) => c.method === 'POST' && c.url === '/api/v1/visits')
    expect(post?.body).toMatchObject({
      client_id: 9,
      contact_ids: [4],
      purpose: '例行拜访',
      summary: '谈了扩容',
      next_steps: [{ title: '发报价', due_on: '2026-12-20' }],
    })
    expect(calls.filter((c) => c.url.startsWith('/api/v1/clients/9/visits'))).toHaveLength(2)
    wrapper.unmount()
  })
})

describe('following a client from its dossier', () => {
  it('follows with the delivery picked, then shows it followed', async () => {
    const { wrapper, calls } = await openDossier([], { id: 1 })
    await wrapper.find('[data-test="follow-client"] button').trigger('click')
    await flushPromises()
    await vi.waitFor(() => expect(el('[data-test="follow-delivery-daily"]')).not.toBeNull())
    el<HTMLElement>('[data-test="follow-delivery-daily"]')!.click()
    await flushPromises()
    expect(calls.find((c) => c.method === 'POST' && c.url === '/api/v1/follows')?.body).toEqual({ target: 'client', value: 9, delivery: 'daily' })
    await vi.waitFor(() => expect(wrapper.find('[data-test="unfollow-client"]').exists()).toBe(true))
    wrapper.unmount()
  })
})

describe('handover', () => {
  it('shows what moves and the briefing before the confirm button hands over', async () => {
    const { wrapper, calls } = await openDossier(['reviewer'], { id: 2 })
    await wrapper.find('[data-test="handover"]').trigger('click')
    await flushPromises()
    expect(el('[data-test="handover-confirm"]')).toBeNull()

    const picker = wrapper.findAllComponents({ name: 'UserPicker' }).at(-1)!
    picker.vm.$emit('update:modelValue', 6)
    await flushPromises()
    el<HTMLButtonElement>('[data-test="handover-preview-button"]')!.click()
    await flushPromises()
    expect(calls.find((c) => c.url.startsWith('/api/v1/clients/9/handover'))?.url).toBe('/api/v1/clients/9/handover?to=6')
    expect(calls.some((c) => c.method === 'PUT')).toBe(false)

    const preview = el('[data-test="handover-preview"]')!
    expect(preview.textContent).toContain('以下内容将随客户一并交给 孙丽')
    expect(el('[data-test="handover-contacts"]')!.textContent).toContain('李总 · 财务副总 · 决策人')
    expect(el('[data-test="handover-open_tasks"]')!.textContent).toContain('发送专线报价')
    expect(el('[data-test="handover-reminders"]')!.textContent).toContain('无')
    expect(el('[data-test="handover-pending_entries"]')!.textContent).toContain('新办公楼装修')
    expect(el('[data-test="handover-follows"]')!.textContent).toContain('孙营销')
    expect(el('[data-test="handover-briefing"]')!.textContent).toContain('联系人 1 位')

    el<HTMLButtonElement>('[data-test="handover-confirm"]')!.click()
    await flushPromises()
    expect(calls.find((c) => c.method === 'PUT')?.body).toEqual({ owner_id: 6, note: '' })
    wrapper.unmount()
  })
})

describe('review: urgent', () => {
  it('sends urgent with the decision and tags urgent entries in the queue', async () => {
    const entry = intel({ id: 41, status: 'submitted', urgent: false })
    const flagged = intel({ id: 43, status: 'submitted', title: '竞争对手降价', urgent: true })
    const { calls } = routedFetch(
      on('GET', '/categories', [BUSINESS]),
      on('GET', '/reviews/queue', { items: [entry, flagged], total: 2 }),
      on('GET', '/intel/41', entry),
      on('GET', '/intel', { items: [], total: 0 }),
      on('POST', '/intel/41/review', json(200, { status: 'rejected', points_awarded: 0, total: 0 })),
    )
    const { wrapper } = await mountView(ReviewView, { path: '/review', pattern: '/review', roles: ['reviewer'] })
    const items = wrapper.findAll('[data-test="queue-item"]')
    expect(items[0].find('[data-test="urgent-tag"]').exists()).toBe(false)
    expect(items[1].find('[data-test="urgent-tag"]').text()).toContain('紧急')

    await wrapper.find('[data-test="review-urgent"] input').setValue(true)
    await wrapper.find('textarea').setValue('信息不实')
    await wrapper.find('[data-test="decide-reject"]').trigger('click')
    await flushPromises()
    expect(calls.find((c) => c.method === 'POST')?.body).toMatchObject({ decision: 'reject', urgent: true, comment: '信息不实' })
    wrapper.unmount()
  })
})
