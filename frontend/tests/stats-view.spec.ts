// The /stats page and the admin search-miss and audit tabs, against
// backend-shaped bodies (taken from `zhiku serve --demo`).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { ElDatePicker } from 'element-plus'
import StatsView from '@/views/StatsView.vue'
import AdminSearchMisses from '@/views/admin/AdminSearchMisses.vue'
import AdminAudit from '@/views/admin/AdminAudit.vue'
import type { ClusterMember, Freshness, ReviewerReport, StatsOverview } from '@/types'
import { BUSINESS, client, contact, json, mountView, on, query, routedFetch, type Handler } from './fixtures'

const OVERVIEW: StatsOverview = {
  period: 'month',
  from: '2026-10-31T16:00:00Z',
  to: '2026-11-30T16:00:00Z',
  submitted: 85,
  adopted: 58,
  decided: 69,
  adoption_rate: 0.84,
  usage_rate: 0.47,
  uses: 67,
  won: 14,
  mean_score: 4.02,
  median_review_hours: 26.33,
  by_category: { business: { submitted: 22, adopted: 16, uses: 18, won: 3 } },
  by_client_kind: { group: { submitted: 64, adopted: 44, uses: 49, won: 9 }, individual: { submitted: 21, adopted: 14, uses: 18, won: 5 } },
  by_department: [
    { department_id: 1, name: '政企客户部', submitted: 41, adopted: 30, uses: 32, won: 7 },
    { department_id: null, name: '未分配部门', submitted: 1, adopted: 0, uses: 0, won: 0 },
  ],
  series: [{ bucket: '2026-11', submitted: 85, adopted: 58, uses: 67, won: 14 }],
}

const MEMBERS: ClusterMember[] = [
  {
    client: client({ id: 12, name: '无为皖电线缆集团有限公司', owner: { id: 6, real_name: '张伟' }, tags: ['商旅', '高尔夫'] }),
    contacts: [contact({ id: 20, client_id: 12, name: '陈秀英', title: '总经理', phone: '***', notes: '***', masked: true })],
  },
  { client: client({ id: 26, kind: 'individual', name: '陆国华', owner: null }), contacts: [] },
]

const FRESHNESS: Freshness = {
  adopted: 125,
  stale: 10,
  stale_share: 0.08,
  by_category: [{ category: 'business', name: '业务状况', adopted: 38, stale: 4, stale_share: 0.11 }],
  by_owner: [
    { owner_id: 6, owner_name: '张伟', adopted: 31, stale: 3, stale_share: 0.1 },
    { owner_id: null, owner_name: null, adopted: 2, stale: 0, stale_share: 0 },
  ],
  oldest_on_key_clients: [
    {
      intel_id: 12,
      title: '陆国华出境频繁，国际漫游费用偏高',
      category: 'business',
      client_id: 26,
      client_name: '陆国华',
      tier: 'S',
      confirmed_at: '2026-07-15T08:28:12Z',
      age_days: 136,
      stale: true,
    },
  ],
}

const REVIEWERS: ReviewerReport = {
  reviewers: [
    { reviewer_id: 2, real_name: '陈静', decisions: 92, adopted: 65, rejected: 9, returned: 11, duplicates: 7, adoption_rate: 0.71, median_decision_hours: 27.23, agreement: 0.69 },
    { reviewer_id: 5, real_name: '钱审', decisions: 3, adopted: 1, rejected: 2, returned: 0, duplicates: 0, adoption_rate: 0.33, median_decision_hours: null, agreement: null },
  ],
  flags: [{ reviewer_id: 2, reviewer_name: '陈静', author_id: 10, author_name: '吴婷', decisions: 6, adoption_rate: 0.83, peer_adoption_rate: 0.5 }],
  usage_pairs: [
    { user_id: 10, user_name: '吴婷', other_id: 11, other_name: '郑强', uses_by_user: 4, won_by_user: 3, uses_by_other: 3, won_by_other: 2, reciprocity: 0.75, flagged: true },
    { user_id: 10, user_name: '吴婷', other_id: 14, other_name: '孙丽', uses_by_user: 0, won_by_user: 0, uses_by_other: 2, won_by_other: 1, reciprocity: 0, flagged: false },
  ],
}

function common(): Handler[] {
  return [on('GET', '/categories', [BUSINESS]), on('GET', '/departments', [{ id: 1, name: '政企客户部', kind: 'frontline' }])]
}

function el(selector: string): HTMLElement | null {
  return document.body.querySelector(selector)
}

async function openTab(name: string): Promise<void> {
  el(`#tab-${name}`)!.click()
  await flushPromises()
}

describe('stats page', () => {
  beforeEach(() => {
    Object.assign(URL, { createObjectURL: () => 'blob:zhiku/1', revokeObjectURL: () => undefined })
  })

  afterEach(() => {
    vi.unstubAllGlobals()
    vi.restoreAllMocks()
    document.body.innerHTML = ''
  })

  it('shows KPI cards, the window and departments, and hides management tabs from marketers', async () => {
    const { calls } = routedFetch(...common(), on('GET', '/stats/overview', OVERVIEW))
    const { wrapper } = await mountView(StatsView, { path: '/stats', pattern: '/stats', roles: ['marketer'], stubs: { EChart: true } })
    await vi.waitFor(() => expect(el('[data-test="kpi"][data-key="adoption_rate"]')).not.toBeNull())
    expect(el('[data-test="kpi"][data-key="adoption_rate"] .value')!.textContent).toBe('84%')
    expect(el('[data-test="kpi"][data-key="median_review_hours"] .value')!.textContent).toBe('26.3 小时')
    expect(el('[data-test="kpi"][data-key="mean_score"] .value')!.textContent).toBe('4.02')
    expect(el('[data-test="stats-window"]')!.textContent).toBe('2026-11-01 至 2026-11-30')
    expect(el('[data-test="department-table"]')!.textContent).toContain('未分配部门')
    expect(['overview', 'clusters', 'freshness', 'competitors'].every((t) => el(`#tab-${t}`))).toBe(true)
    expect(el('#tab-assessments')).toBeNull()
    expect(el('#tab-reviewers')).toBeNull()
    const overview = calls.find((c) => c.url.startsWith('/api/v1/stats/overview'))!
    expect(Object.fromEntries(query(overview))).toEqual({ period: 'month', interval: 'week' })
    wrapper.unmount()
  })

  it('shows an empty state when the server has no statistics yet', async () => {
    routedFetch(...common(), on('GET', '/stats/overview', () => json(404, { error: 'not_found', message: '' })))
    const { wrapper } = await mountView(StatsView, { path: '/stats', pattern: '/stats', roles: ['marketer'], stubs: { EChart: true } })
    await vi.waitFor(() => expect(el('[data-test="stats-unavailable"]')).not.toBeNull())
    expect(el('[data-test="kpi"]')).toBeNull()
    wrapper.unmount()
  })

  it('lists a cluster’s clients with masked contacts and exports them', async () => {
    const clicks: string[] = []
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicks.push(this.download)
    })
    const { calls } = routedFetch(
      ...common(),
      on('GET', '/stats/overview', OVERVIEW),
      on('GET', '/stats/clusters', [{ tag: '高尔夫', clients: 10, groups: 5, individuals: 5 }]),
      (call) =>
        call.url.startsWith('/api/v1/stats/clusters/%E9%AB%98%E5%B0%94%E5%A4%AB/clients') ? json(200, { items: MEMBERS, total: MEMBERS.length }) : undefined,
      (call) =>
        call.url.includes('/export?')
          ? new Response('\uFEFF客户', {
              status: 200,
              headers: { 'content-disposition': `attachment; filename="export.csv"; filename*=UTF-8''%E5%85%B4%E8%B6%A3%E7%BE%A4%E4%BD%93-%E9%AB%98%E5%B0%94%E5%A4%AB.csv` },
            })
          : undefined,
    )
    const { wrapper } = await mountView(StatsView, { path: '/stats?tab=clusters', pattern: '/stats', roles: ['marketer'], stubs: { EChart: true } })
    await vi.waitFor(() => expect(el('[data-test="cluster-tag"][data-tag="高尔夫"]')).not.toBeNull())
    expect(calls.some((c) => c.url.startsWith('/api/v1/stats/overview'))).toBe(false)
    el('[data-test="cluster-tag"][data-tag="高尔夫"]')!.click()
    await vi.waitFor(() => expect(document.body.querySelectorAll('[data-test="cluster-client"]')).toHaveLength(2))
    const members = el('[data-test="cluster-members"]')!
    expect(members.textContent).toContain('张伟')
    expect(members.textContent).toContain('陈秀英')
    expect(members.querySelector('[data-test="cluster-contact"] .masked')!.textContent).toContain('已遮蔽')
    expect(members.textContent).not.toContain('***')

    el('[data-test="export-csv"]')!.click()
    await vi.waitFor(() => expect(clicks).toEqual(['兴趣群体-高尔夫.csv']))
    expect(calls.find((c) => c.url.includes('/export?'))!.url).toBe('/api/v1/stats/clusters/%E9%AB%98%E5%B0%94%E5%A4%AB/export?format=csv')
    wrapper.unmount()
  })

  it('shows freshness with links to the oldest facts', async () => {
    routedFetch(...common(), on('GET', '/stats/overview', OVERVIEW), on('GET', '/stats/freshness', FRESHNESS))
    const { wrapper } = await mountView(StatsView, { path: '/stats', pattern: '/stats', roles: ['marketer'], stubs: { EChart: true } })
    await openTab('freshness')
    await vi.waitFor(() => expect(el('[data-test="old-fact"][data-id="12"]')).not.toBeNull())
    expect(el('[data-test="old-fact"][data-id="12"]')!.getAttribute('href')).toBe('/intel/12')
    expect(el('[data-test="kpi"][data-key="stale_share"] .value')!.textContent).toBe('8%')
    expect(el('[data-test="owner-table"]')!.textContent).toContain('未分配')
    wrapper.unmount()
  })

  it('gives reviewers the assessments and the reviewer metrics with flags highlighted', async () => {
    const { calls } = routedFetch(
      ...common(),
      on('GET', '/stats/overview', OVERVIEW),
      on('GET', '/stats/assessments', {
        period: 'month',
        items: [
          {
            user_id: 10,
            employee_no: 'E001',
            real_name: '吴婷',
            department: '营业厅',
            submitted: 3,
            adopted: 2,
            decided: 3,
            adoption_rate: 0.67,
            mean_score: 3.9,
            usage_rate: 0.5,
            uses: 2,
            median_submission_delay_hours: 124.36,
            updates: 0,
            verifications: 1,
            points: 40,
          },
        ],
      }),
      on('GET', '/stats/reviewers', REVIEWERS),
    )
    const { wrapper } = await mountView(StatsView, { path: '/stats', pattern: '/stats', roles: ['reviewer'], stubs: { EChart: true } })
    await openTab('assessments')
    await vi.waitFor(() => expect(el('[data-test="assessment-name"]')?.textContent).toBe('吴婷'))
    const table = el('[data-test="assessment-table"]')!.textContent!
    expect(table).toContain('67%')
    expect(table).toContain('5.2 天')

    await openTab('reviewers')
    await vi.waitFor(() => expect(el('[data-test="reviewer-flagged"]')).not.toBeNull())
    expect(document.body.querySelectorAll('[data-test="reviewer-flagged"]')).toHaveLength(1)
    expect(document.body.querySelectorAll('.flagged-row')).toHaveLength(1)
    expect(el('[data-test="flag-table"]')!.textContent).toContain('33 个百分点')
    expect(calls.find((c) => c.url.startsWith('/api/v1/stats/reviewers'))!.url).toBe('/api/v1/stats/reviewers?period=quarter')

    const pairs = el('[data-test="usage-pairs"]')!
    expect(pairs.querySelector('.el-card__header')!.textContent).toContain('互相使用')
    expect(el('[data-test="usage-pairs-alert"]')!.textContent).toContain('发现 1 对人员')
    const rows = [...pairs.querySelectorAll('[data-test="usage-pair-table"] .el-table__body tr')]
    expect(rows).toHaveLength(2)
    const cells = (row: Element, test: string) => row.querySelector(`[data-test="${test}"]`)?.textContent?.trim()
    expect(cells(rows[0], 'usage-pair-people')).toBe('吴婷 ⇄ 郑强')
    expect(cells(rows[0], 'usage-pair-forward')).toBe('4 次 · 成功 3')
    expect(cells(rows[0], 'usage-pair-backward')).toBe('3 次 · 成功 2')
    expect(cells(rows[0], 'usage-pair-reciprocity')).toBe('75%')
    expect(rows[0].querySelector('[data-test="usage-pair-flagged"]')).not.toBeNull()
    expect(rows[0].classList.contains('flagged-pair')).toBe(true)
    expect(cells(rows[1], 'usage-pair-forward')).toBe('0 次 · 成功 0')
    expect(cells(rows[1], 'usage-pair-reciprocity')).toBe('0%')
    expect(rows[1].querySelector('[data-test="usage-pair-flagged"]')).toBeNull()
    expect(el('[data-test="usage-pairs-empty"]')).toBeNull()
    wrapper.unmount()
  })

  it('shows an empty reciprocal usage card with its hint when nobody used a colleague’s entries', async () => {
    routedFetch(...common(), on('GET', '/stats/overview', OVERVIEW), on('GET', '/stats/reviewers', { ...REVIEWERS, usage_pairs: [] }))
    const { wrapper } = await mountView(StatsView, { path: '/stats?tab=reviewers', pattern: '/stats', roles: ['reviewer'], stubs: { EChart: true } })
    await vi.waitFor(() => expect(el('[data-test="usage-pairs-empty"]')).not.toBeNull())
    expect(el('[data-test="usage-pairs-alert"]')).toBeNull()
    expect(el('[data-test="usage-pair-table"]')).toBeNull()
    expect(el('[data-test="usage-pairs"]')!.textContent).toContain('至少 3 次')
    wrapper.unmount()
  })
})

describe('admin tabs', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    document.body.innerHTML = ''
  })

  it('lists searches without results with their filters', async () => {
    routedFetch(
      on('GET', '/categories', [BUSINESS]),
      on('GET', '/search/misses', {
        items: [
          {
            query: '无人机巡检',
            user: { id: 4, real_name: '王芳' },
            filters: { category: 'business', client_kind: null, client_id: null, status: null, tag: null },
            created_at: '2026-11-28T10:00:00Z',
          },
        ],
        total: 1,
      }),
    )
    const { wrapper } = await mountView(AdminSearchMisses, { path: '/admin', pattern: '/admin', roles: ['admin'] })
    await vi.waitFor(() => expect(el('[data-test="miss-table"]')!.textContent).toContain('无人机巡检'))
    const text = el('[data-test="miss-table"]')!.textContent!
    expect(text).toContain('王芳')
    expect(text).toContain('类别：业务状况')
    wrapper.unmount()
  })

  it('filters the audit log by target and date range', async () => {
    const { calls } = routedFetch(on('GET', '/audit', { items: [], total: 0 }))
    const { wrapper } = await mountView(AdminAudit, { path: '/admin', pattern: '/admin', roles: ['admin'] })
    await wrapper.find('input[data-test="audit-target-id"]').setValue('#41')
    await wrapper.find('input[data-test="audit-action"]').setValue('intel.review')
    wrapper.findComponent(ElDatePicker).vm.$emit('update:modelValue', ['2026-11-01', '2026-11-30'])
    await flushPromises()
    await vi.waitFor(() => expect(query(calls.at(-1)!).has('from')).toBe(true))
    const q = query(calls.at(-1)!)
    expect(q.get('target_id')).toBe('41')
    expect(q.get('action')).toBe('intel.review')
    expect(new Date(q.get('to')!).getTime() - new Date(q.get('from')!).getTime()).toBeGreaterThanOrEqual(29 * 86_400_000)
    wrapper.unmount()
  })
})
