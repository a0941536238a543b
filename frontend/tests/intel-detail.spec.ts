import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import IntelDetailView from '@/views/IntelDetailView.vue'
import type { Intel, Role } from '@/types'
import { BUSINESS, button, client, intel, json, mountView, on, routedFetch, usage, type Call, type Handler } from './fixtures'

const REVIEW = {
  decision: 'revise' as const,
  comment: '请补充在用产品的号码数',
  mean_score: 3.4,
  reviewer: { id: 3, real_name: '李审' },
  created_at: '2026-11-21T08:00:00Z',
}

function serve(entry: Intel, ...extra: Handler[]) {
  return routedFetch(
    ...extra,
    on('GET', '/categories', [BUSINESS]),
    on('GET', `/intel/${entry.id}`, entry),
    on('GET', `/intel/${entry.id}/usages`, [usage()]),
    ...entry.clients.map((c) => on('GET', `/clients/${c.id}`, client({ id: c.id, name: c.name }))),
  )
}

async function open(entry: Intel, roles: Role[] = [], me = {}) {
  return mountView(IntelDetailView, { path: `/intel/${entry.id}`, pattern: '/intel/:id', roles, me })
}

function bodyText(selector: string): string {
  return document.body.querySelector(selector)?.textContent ?? ''
}

describe('IntelDetailView', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    document.body.innerHTML = ''
  })

  it('shows the latest reviewer feedback from last_review', async () => {
    const entry = intel({ status: 'needs_revision', last_review: REVIEW })
    serve(entry)
    const { wrapper } = await open(entry)
    const feedback = wrapper.find('[data-test="review-feedback"]')
    expect(feedback.exists()).toBe(true)
    expect(feedback.text()).toContain('退回修改')
    expect(feedback.text()).toContain('请补充在用产品的号码数')
    expect(feedback.text()).toContain('李审')
    expect(feedback.text()).toContain('3.40')
    wrapper.unmount()
  })

  it('lists usages from the plain array and the masked notice', async () => {
    const entry = intel({ masked: true, fields: { current_products: '集团V网', monthly_spend: '***' } })
    serve(entry)
    const { wrapper } = await open(entry)
    expect(wrapper.find('[data-test="usages"]').text()).toContain('孙营销')
    expect(wrapper.find('[data-test="masked-notice"]').exists()).toBe(true)
    expect(wrapper.find('[data-test="review-feedback"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('offers retract to reviewers only, requires a comment, and renders the retracted entry', async () => {
    const entry = intel()
    const { calls } = serve(
      entry,
      on('POST', `/intel/${entry.id}/retract`, (call: Call) => json(200, { ...entry, status: 'retracted', body: (call.body as { comment: string }).comment })),
    )
    const employee = await open(entry)
    expect(employee.wrapper.find('[data-test="retract"]').exists()).toBe(false)
    employee.wrapper.unmount()

    const { wrapper } = await open(entry, ['reviewer'], { id: 3 })
    await wrapper.find('[data-test="retract"]').trigger('click')
    await flushPromises()

    const confirm = document.body.querySelector<HTMLButtonElement>('[data-test="retract-confirm"]')
    expect(confirm).not.toBeNull()
    confirm!.click()
    await flushPromises()
    expect(calls.some((c) => c.url.endsWith('/retract'))).toBe(false)
    await vi.waitFor(() => expect(bodyText('.el-dialog .el-form-item__error')).toContain('请填写撤销理由'))

    const textarea = document.body.querySelector<HTMLTextAreaElement>('textarea[data-test="retract-comment"]')!
    textarea.value = '  经核实客户并未使用该产品  '
    textarea.dispatchEvent(new Event('input'))
    await flushPromises()
    confirm!.click()
    await flushPromises()

    const retract = calls.find((c) => c.url.endsWith('/retract'))
    expect(retract).toMatchObject({ method: 'POST', body: { comment: '经核实客户并未使用该产品' } })
    await vi.waitFor(() => expect(wrapper.find('[data-test="retracted-notice"]').exists()).toBe(true))
    expect(wrapper.find('[data-test="intel-status"]').text()).toBe('已撤销')
    expect(wrapper.find('[data-test="retract"]').exists()).toBe(false)
    expect(wrapper.find('[data-test="record-usage"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('renders a superseded entry with its notice, no usage action, and retract for reviewers with the whole chain', async () => {
    const entry = intel({ status: 'superseded' })
    serve(entry)
    const employee = await open(entry)
    expect(employee.wrapper.find('[data-test="retract"]').exists()).toBe(false)
    employee.wrapper.unmount()

    const { wrapper } = await open(entry, ['reviewer'], { id: 3 })
    expect(wrapper.find('[data-test="superseded-notice"]').exists()).toBe(true)
    expect(wrapper.find('[data-test="intel-status"]').text()).toBe('已被替代')
    expect(wrapper.find('[data-test="record-usage"]').exists()).toBe(false)
    await wrapper.find('[data-test="retract"]').trigger('click')
    await flushPromises()
    expect(bodyText('.el-dialog')).toContain('整条修订链（更早的版本、后续修订和待审核的修订）将一并撤销')
    wrapper.unmount()
  })

  it('links a revision to the entry it revises', async () => {
    const entry = intel({ id: 42, status: 'submitted', revision: 2, supersedes_id: 41 })
    serve(entry)
    const { wrapper } = await open(entry)
    expect(wrapper.find('a[href="/intel/41"]').text()).toBe('修订自 #41')
    wrapper.unmount()
  })

  it('lets the client owner revise and verify, but not a stranger', async () => {
    const entry = intel({ author: { id: 2, real_name: '赵' }, stale: true })
    serve(entry)
    const owner = await open(entry, ['account_manager'], { id: 5 })
    expect(button(owner.wrapper, '提交修订')).toBeDefined()
    expect(button(owner.wrapper, '仍然有效')).toBeDefined()
    owner.wrapper.unmount()

    const stranger = await open(entry, ['account_manager'], { id: 6 })
    expect(button(stranger.wrapper, '提交修订')).toBeUndefined()
    expect(button(stranger.wrapper, '仍然有效')).toBeUndefined()
    stranger.wrapper.unmount()
  })
})
