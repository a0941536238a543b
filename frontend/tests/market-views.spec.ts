// The clients list's filters, sort and export; a dossier marking a client
// lost and winning it back; the lost-client, complaint and opportunity tabs
// and a cluster handed to account managers — against backend-shaped bodies.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import ClientsView from '@/views/ClientsView.vue'
import ClientDossierView from '@/views/ClientDossierView.vue'
import StatsView from '@/views/StatsView.vue'
import type { Client, ClientLoss, Contact, InvitationResult, LossReport, OpportunityAnalysis, ServiceAnalysis } from '@/types'
import { today } from '@/utils/format'
import { BUSINESS, client, contact, dossier, json, mountView, on, query, routedFetch, type Call } from './fixtures'

function el<T extends Element = HTMLElement>(selector: string): T | null {
  return document.body.querySelector<T>(selector)
}

function lastCall(calls: Call[], path: string): URLSearchParams {
  return query(calls.filter((c) => c.url.split('?')[0] === `/api/v1${path}`).at(-1)!)
}

/** Emits `event` with `value` from the first component called `name` whose root has `data-test`. */
function emitFrom(wrapper: VueWrapper, name: string, test: string, value: unknown, event = 'update:modelValue'): void {
  const found = wrapper.findAllComponents({ name }).find((c) => c.attributes('data-test') === test)
  if (!found) throw new Error(`no ${name} [data-test="${test}"]`)
  found.vm.$emit(event, value)
}

/** Whether the form item holding `[data-test]` shows an error. */
function hasError(test: string): boolean {
  return el(`[data-test="${test}"]`)!.closest('.el-form-item')!.classList.contains('is-error')
}

const LOGISTICS: Client = client({ id: 30, name: '芜湖三山港口物流有限公司', industry: '港口物流', region: '芜湖市三山区', tags: [] })

const OPEN_LOSS: ClientLoss = {
  id: 4,
  status: 'lost',
  reasons: ['competitor_offer', 'price'],
  competitor: '中国电信',
  occurred_on: '2026-11-20',
  note: '电信专线七折',
  recorded_by: { id: 6, real_name: '张伟' },
  recorded_at: '2026-11-20T08:00:00Z',
  closed_on: null,
  outcome: null,
}

afterEach(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
  document.body.innerHTML = ''
})

describe('clients list filters', () => {
  beforeEach(() => {
    Object.assign(URL, { createObjectURL: () => 'blob:zhiku/1', revokeObjectURL: () => undefined })
  })

  it('asks for what a shared link says, sorts by a clicked column and exports the same list', async () => {
    const saved: string[] = []
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push(this.download)
    })
    const { calls } = routedFetch(
      on('GET', '/clients', { items: [{ ...LOGISTICS, segment: 'supporter', contract_end: '2027-01-15' }], total: 1 }),
      on('GET', '/clients/export', () => new Response('客户名称', { status: 200, headers: { 'content-disposition': "attachment; filename*=UTF-8''%E5%AE%A2%E6%88%B7.xlsx" } })),
    )
    const { wrapper, router } = await mountView(ClientsView, {
      path: '/clients?segment=supporter&industry=物流&contract_end_within=90',
      pattern: '/clients',
      roles: ['marketer'],
    })
    expect(Object.fromEntries(lastCall(calls, '/clients'))).toEqual({
      segment: 'supporter',
      industry: '物流',
      contract_end_within: '90',
      page: '1',
      per_page: '20',
    })
    expect(el('[data-test="segment-tag"][data-segment="supporter"]')?.textContent?.trim()).toBe('支持者')
    expect(el('[data-test="contract-end"]')?.textContent).toBe('2027/01/15')

    wrapper.findComponent({ name: 'ElTable' }).vm.$emit('sort-change', { prop: 'contract_end', order: 'descending' })
    await flushPromises()
    expect(lastCall(calls, '/clients').get('sort')).toBe('contract_end')
    expect(lastCall(calls, '/clients').get('order')).toBe('desc')
    expect(router.currentRoute.value.query).toMatchObject({ sort: 'contract_end', order: 'desc', segment: 'supporter' })

    emitFrom(wrapper, 'ElSelect', 'filter-status', 'at_risk')
    await flushPromises()
    expect(lastCall(calls, '/clients').get('status')).toBe('at_risk')
    expect(el('[data-test="client-filters-clear"]')).not.toBeNull()

    emitFrom(wrapper, 'ElDropdown', 'client-export-dropdown', 'xlsx', 'command')
    await vi.waitFor(() => expect(saved).toEqual(['客户.xlsx']))
    expect(Object.fromEntries(lastCall(calls, '/clients/export'))).toEqual({
      status: 'at_risk',
      segment: 'supporter',
      industry: '物流',
      contract_end_within: '90',
      sort: 'contract_end',
      order: 'desc',
      format: 'xlsx',
    })

    el<HTMLButtonElement>('[data-test="client-filters-clear"]')!.click()
    await flushPromises()
    expect(Object.fromEntries(lastCall(calls, '/clients'))).toEqual({ sort: 'contract_end', order: 'desc', page: '1', per_page: '20' })
    wrapper.unmount()
  })

  it('offers the export to statistics roles only', async () => {
    routedFetch(on('GET', '/clients', { items: [], total: 0 }))
    const { wrapper } = await mountView(ClientsView, { path: '/clients', pattern: '/clients', roles: ['account_manager'] })
    expect(el('[data-test="client-export"]')).toBeNull()
    wrapper.unmount()
  })
})

describe('dossier status and segment', () => {
  async function open(start: Client) {
    let current: Client = start
    const contacts: Contact[] = [{ ...contact(), tags: ['网球'] }]
    const { calls } = routedFetch(
      on('GET', '/categories', [BUSINESS]),
      on('GET', '/clients/9/dossier', () => json(200, dossier({ client: current, contacts }))),
      on('PATCH', '/clients/9', (call: Call) => {
        const body = call.body as Record<string, unknown>
        const loss = body.loss
          ? { ...OPEN_LOSS, ...(body.loss as object), status: body.status as 'lost' }
          : body.status === 'active' && current.loss
            ? { ...current.loss, outcome: 'won_back' as const, closed_on: '2026-12-01' }
            : current.loss
        current = { ...current, ...(body as object), loss } as Client
        return json(200, current)
      }),
    )
    const mounted = await mountView(ClientDossierView, { path: '/clients/9', pattern: '/clients/:id', roles: [], me: { id: 5 } })
    return { ...mounted, calls }
  }

  it('asks why a client is lost, sends the loss with the status, and shows it', async () => {
    const { wrapper, calls } = await open({ ...client(), segment: 'advocate' })
    expect(el('[data-test="dossier-name"] [data-test="segment-tag"]')?.textContent?.trim()).toBe('拥护者')
    expect(el('[data-test="contact-tags"]')?.textContent).toContain('网球')

    el<HTMLButtonElement>('[data-test="change-status"]')!.click()
    await flushPromises()
    emitFrom(wrapper, 'ElRadioGroup', 'client-status', 'lost')
    await flushPromises()
    expect(el('[data-test="loss-reasons"]')).not.toBeNull()

    el<HTMLButtonElement>('[data-test="client-status-save"]')!.click()
    await flushPromises()
    expect(calls.some((c) => c.method === 'PATCH')).toBe(false)
    expect(hasError('loss-reasons')).toBe(true)

    emitFrom(wrapper, 'ElCheckboxGroup', 'loss-reasons', ['competitor_offer'])
    await flushPromises()
    el<HTMLButtonElement>('[data-test="client-status-save"]')!.click()
    await flushPromises()
    expect(calls.some((c) => c.method === 'PATCH')).toBe(false)
    expect(hasError('loss-reasons')).toBe(false)
    expect(hasError('loss-competitor')).toBe(true)

    emitFrom(wrapper, 'ElSelect', 'loss-competitor', '中国电信')
    await flushPromises()
    el<HTMLButtonElement>('[data-test="client-status-save"]')!.click()
    await flushPromises()
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({
      status: 'lost',
      loss: { reasons: ['competitor_offer'], competitor: '中国电信', occurred_on: today(), note: null },
    })
    await vi.waitFor(() => expect(el('[data-test="client-loss"][data-open="true"]')).not.toBeNull())
    const card = el('[data-test="client-loss"]')!
    expect(card.textContent).toContain('竞争对手优惠')
    expect(card.textContent).toContain('中国电信')
    expect(card.textContent).toContain('张伟')
    expect(el('[data-test="client-status-label"]')!.getAttribute('data-status')).toBe('lost')
    wrapper.unmount()
  })

  it('says an active status wins a lost client back', async () => {
    const { wrapper, calls } = await open({ ...client({ status: 'lost' }), loss: OPEN_LOSS })
    el<HTMLButtonElement>('[data-test="change-status"]')!.click()
    await flushPromises()
    emitFrom(wrapper, 'ElRadioGroup', 'client-status', 'active')
    await flushPromises()
    expect(el('[data-test="closing-outcome"]')!.getAttribute('data-outcome')).toBe('won_back')
    expect(el('[data-test="closing-outcome"]')!.textContent).toContain('赢回')
    expect(el('[data-test="loss-reasons"]')).toBeNull()
    el<HTMLButtonElement>('[data-test="client-status-save"]')!.click()
    await flushPromises()
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ status: 'active' })
    await vi.waitFor(() => expect(el('[data-test="loss-outcome"]')?.getAttribute('data-outcome')).toBe('won_back'))
    wrapper.unmount()
  })

  it('edits the segment, sending only what changed', async () => {
    const { wrapper, calls } = await open(client())
    el<HTMLButtonElement>('[data-test="client-edit"]')!.click()
    await flushPromises()
    emitFrom(wrapper, 'ElSelect', 'client-segment', 'supporter')
    await flushPromises()
    el<HTMLButtonElement>('[data-test="client-edit-save"]')!.click()
    await flushPromises()
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ segment: 'supporter' })
    await vi.waitFor(() => expect(el('[data-test="dossier-name"] [data-test="segment-tag"]')?.textContent?.trim()).toBe('支持者'))
    wrapper.unmount()
  })
})

describe('market statistics', () => {
  const LOSSES: LossReport = {
    total: 3,
    open: 2,
    won_back: 1,
    retained: 0,
    by_reason: [
      { key: 'competitor_offer', count: 2 },
      { key: 'price', count: 1 },
    ],
    by_competitor: [{ key: '中国电信', count: 2 }],
    by_industry: [{ key: '港口物流', count: 1 }],
    by_month: [{ month: '2026-11', lost: 2, at_risk: 1, won_back: 1 }],
    items: [
      {
        loss: OPEN_LOSS,
        client: { id: 30, name: '芜湖三山港口物流有限公司', kind: 'group', industry: '港口物流', region: '芜湖市三山区', status: 'lost', owner: { id: 6, real_name: '张伟' } },
        preceding: [{ id: 77, title: '电信上门推介全省专线七折', category: 'business', adopted_at: '2026-11-02T08:00:00Z' }],
      },
    ],
  }
  const SERVICE: ServiceAnalysis = {
    total: 7,
    by_type: [{ key: '网络质量', count: 4 }],
    by_severity: [{ key: '严重', count: 2 }],
    by_satisfaction: [{ key: '不满意', count: 3 }],
    resolved: 3,
    unresolved: 1,
    by_month: [{ month: '2026-11', total: 7, by_type: { 网络质量: 4, 账单: 3 } }],
    network_by_area: [{ key: '芜湖市鸠江区', count: 3 }],
  }
  const OPPORTUNITIES: OpportunityAnalysis = {
    total: 5,
    by_stage: [{ key: '方案', count: 2, budget: 300, expected: 150 }],
    by_budget_band: [{ key: '50–100', count: 2 }],
    by_timeline: [{ month: '2027-01', count: 2, budget: 300 }],
    pipeline: { budget: 12500, expected_value: 3275.5 },
  }

  function common() {
    return [
      on('GET', '/categories', [BUSINESS]),
      on('GET', '/departments', [{ id: 1, name: '政企客户部', kind: 'frontline' }]),
      on('GET', '/stats/losses', LOSSES),
      on('GET', '/stats/service', SERVICE),
      on('GET', '/stats/opportunities', OPPORTUNITIES),
    ]
  }

  it('lists lost clients with reasons, competitor and the entries before the loss', async () => {
    const { calls } = routedFetch(...common())
    const { wrapper } = await mountView(StatsView, { path: '/stats?tab=losses', pattern: '/stats', roles: ['marketer'], stubs: { EChart: true } })
    await vi.waitFor(() => expect(el('[data-test="loss-row"][data-client-id="30"]')).not.toBeNull())
    expect(lastCall(calls, '/stats/losses').get('period')).toBe('quarter')
    expect(el('[data-test="loss-tile"][data-key="open"] .value')!.textContent).toBe('2')
    expect([...document.body.querySelectorAll('[data-test="loss-row-reason"]')].map((r) => r.textContent?.trim())).toEqual(['竞争对手优惠', '价格'])
    expect(el('[data-test="loss-row-competitor"]')!.textContent).toBe('中国电信')
    document.body.querySelector<HTMLElement>('[data-test="loss-table"] .el-table__expand-icon')!.click()
    await flushPromises()
    expect(el('[data-test="loss-preceding-entry"][data-id="77"]')!.getAttribute('href')).toBe('/intel/77')
    wrapper.unmount()
  })

  it('shows complaint and opportunity tiles, with amounts in 万元', async () => {
    const { calls } = routedFetch(...common())
    const { wrapper } = await mountView(StatsView, { path: '/stats?tab=service', pattern: '/stats', roles: ['reviewer'], stubs: { EChart: true } })
    await vi.waitFor(() => expect(el('[data-test="service-tile"][data-key="resolved_share"]')).not.toBeNull())
    expect(el('[data-test="service-tile"][data-key="resolved_share"] .value')!.textContent).toBe('75%')
    expect(el('[data-test="service-month-chart"]')).not.toBeNull()

    el('#tab-opportunities')!.click()
    await vi.waitFor(() => expect(el('[data-test="opportunity-tile"][data-key="expected_value"]')).not.toBeNull())
    expect(el('[data-test="opportunity-tile"][data-key="budget"] .value')!.textContent).toBe('12,500 万元')
    expect(el('[data-test="opportunity-tile"][data-key="expected_value"] .value')!.textContent).toBe('3,275.5 万元')
    expect(el('[data-test="opportunity-stage-table"]')!.textContent).toContain('方案')
    expect(lastCall(calls, '/stats/opportunities').get('period')).toBe('quarter')
    wrapper.unmount()
  })

  it('hands a cluster to account managers once, and tells who has no account manager', async () => {
    const result: InvitationResult = { created: 3, already_open: 1, without_owner: [{ id: 26, name: '陆国华' }], tasks: [] }
    const { calls, fetchMock } = routedFetch(
      ...common(),
      on('GET', '/stats/clusters', [{ tag: '高尔夫', clients: 5, groups: 4, individuals: 1 }]),
      (call) =>
        call.url.startsWith('/api/v1/stats/clusters/%E9%AB%98%E5%B0%94%E5%A4%AB/clients')
          ? json(200, { items: [{ client: client({ id: 12 }), contacts: [{ ...contact({ id: 20 }), tags: ['高尔夫'] }, contact({ id: 21, name: '周主任' })] }], total: 1 })
          : undefined,
      on('POST', '/stats/clusters/%E9%AB%98%E5%B0%94%E5%A4%AB/invitations', () => json(201, result)),
    )
    const { wrapper } = await mountView(StatsView, { path: '/stats?tab=clusters', pattern: '/stats', roles: ['marketer'], stubs: { EChart: true } })
    await vi.waitFor(() => expect(el('[data-test="cluster-tag"][data-tag="高尔夫"]')).not.toBeNull())
    el('[data-test="cluster-tag"][data-tag="高尔夫"]')!.click()
    await vi.waitFor(() => expect(document.body.querySelectorAll('[data-test="cluster-contact"]')).toHaveLength(2))
    const contacts = [...document.body.querySelectorAll('[data-test="cluster-contact"]')]
    expect(contacts.map((c) => c.getAttribute('data-matching'))).toEqual(['true', 'false'])

    el<HTMLButtonElement>('[data-test="cluster-invite"]')!.click()
    await flushPromises()
    expect(el<HTMLInputElement>('input[data-test="invite-title"]')!.value).toBe('邀请参加高尔夫活动')
    el<HTMLButtonElement>('[data-test="invite-send"]')!.click()
    await vi.waitFor(() => expect(el('[data-test="cluster-invite-result"]')).not.toBeNull())

    const post = calls.find((c) => c.method === 'POST')!
    expect(post.body).toMatchObject({ title: '邀请参加高尔夫活动' })
    expect((post.body as { due_on: string }).due_on).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    const init = fetchMock.mock.calls.find(([url]) => String(url).endsWith('/invitations'))![1] as RequestInit
    expect((init.headers as Record<string, string>)['Idempotency-Key']).toMatch(/^[0-9a-f]{32}$/)
    expect(el('[data-test="invite-created"]')!.getAttribute('data-count')).toBe('3')
    expect(el('[data-test="invite-already-open"]')!.textContent).toContain('1 个客户')
    expect(el('[data-test="invite-without-owner"] a[href="/clients/26"]')!.textContent).toBe('陆国华')
    wrapper.unmount()
  })
})
