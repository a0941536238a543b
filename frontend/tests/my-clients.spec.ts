import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import MyClientsView from '@/views/MyClientsView.vue'
import ClientDossierView from '@/views/ClientDossierView.vue'
import { setLocale } from '@/i18n'
import type { ClientSummary, MyClient } from '@/types'
import { daysUntil, summaryBadges } from '@/utils/myClients'
import { BUSINESS, client, dossier, intel, mountView, on, query, routedFetch, usage, type Call } from './fixtures'

const TODAY = new Date(2026, 11, 4, 9, 0)

function summary(overrides: Partial<ClientSummary> = {}): ClientSummary {
  return {
    attention: 0,
    competitor_activity: 0,
    contract_end: null,
    open_tasks: 0,
    opportunities: [],
    overdue_tasks: 0,
    pending_entries: 0,
    stale_facts: 0,
    ...overrides,
  }
}

function row(id: number, name: string, overrides: Partial<ClientSummary> = {}): MyClient {
  return { client: client({ id, name, tier: 'S' }), summary: summary(overrides) }
}

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
  setLocale('zh-CN')
})

describe('summary badges', () => {
  it('count calendar days to the contract end, negative once past', () => {
    expect(daysUntil('2026-12-04', TODAY)).toBe(0)
    expect(daysUntil('2027-01-03', TODAY)).toBe(30)
    expect(daysUntil('2026-12-01', TODAY)).toBe(-3)
  })

  it('highlight a contract end within 30 days, warn within 60, stay quiet beyond', () => {
    const tone = (day: string) => summaryBadges(summary({ contract_end: day }), 9, { today: TODAY })[0]
    expect(tone('2027-01-03')).toMatchObject({ key: 'contract', tone: 'danger', text: '合同 2027/01/03 到期 · 剩 30 天' })
    expect(tone('2027-01-04').tone).toBe('warning')
    expect(tone('2027-02-02').tone).toBe('warning')
    expect(tone('2027-02-03')).toMatchObject({ tone: 'info', text: '合同 2027/02/03 到期' })
    expect(tone('2026-11-30')).toMatchObject({ tone: 'danger', text: '合同已于 2026/11/30 到期' })
  })

  it('show only what is there, each leading where it is dealt with', () => {
    expect(summaryBadges(summary(), 9, { today: TODAY })).toEqual([])
    const badges = summaryBadges(
      summary({
        open_tasks: 3,
        overdue_tasks: 1,
        competitor_activity: 2,
        pending_entries: 1,
        stale_facts: 4,
        opportunities: [
          { intel_id: 11, title: '专线扩容', stage: '方案' },
          { intel_id: 12, title: '云桌面', stage: null },
        ],
      }),
      9,
      { today: TODAY },
    )
    expect(badges.map((b) => [b.key, b.text, b.tone, b.to])).toEqual([
      ['overdue', '逾期任务 1', 'danger', '/agenda'],
      ['tasks', '其他待办 2', 'primary', '/agenda'],
      ['competitor', '竞争动态 2（30 天）', 'warning', { path: '/clients/9', query: { category: 'competitor' } }],
      ['pending', '待审核 1', 'info', '/clients/9'],
      ['stale', '过时情报 4', 'warning', '/clients/9'],
      ['opportunity', '商机：专线扩容 · 方案', 'primary', '/intel/11'],
      ['opportunity', '商机：云桌面', 'primary', '/intel/12'],
    ])
  })

  it('inside the dossier keep the filter link but drop links to the dossier itself; English too', () => {
    const s = summary({ pending_entries: 2, competitor_activity: 1, open_tasks: 1 })
    const badges = summaryBadges(s, 9, { today: TODAY, inDossier: true })
    expect(badges.find((b) => b.key === 'pending')?.to).toBeUndefined()
    expect(badges.find((b) => b.key === 'competitor')?.to).toEqual({ path: '/clients/9', query: { category: 'competitor' } })
    setLocale('en')
    expect(summaryBadges(s, 9, { today: TODAY }).map((b) => b.text)).toEqual(['Open tasks: 1', 'Competitor news (30d): 1', 'Awaiting review: 2'])
  })

  it('list three opportunities and count the rest', () => {
    const opportunities = [1, 2, 3, 4, 5].map((n) => ({ intel_id: n, title: `商机${n}`, stage: null }))
    const badges = summaryBadges(summary({ opportunities }), 9, { today: TODAY })
    expect(badges.filter((b) => b.key === 'opportunity')).toHaveLength(3)
    expect(badges.at(-1)).toMatchObject({ key: 'opportunity-more', text: '另有 2 个商机' })
  })
})

describe('my clients page', () => {
  async function open(path: string, items: MyClient[]) {
    const { calls } = routedFetch(on('GET', '/me/clients', { items, total: items.length }))
    const mounted = await mountView(MyClientsView, { path, pattern: '/my-clients', roles: ['account_manager'] })
    return { ...mounted, calls }
  }

  it('shows each client with its link, tier and badges', async () => {
    const { wrapper, calls } = await open('/my-clients', [row(9, '芜湖长江实业集团有限公司', { attention: 5, overdue_tasks: 1, open_tasks: 1 }), row(10, '皖江汽车零部件有限公司')])
    expect(query(calls[0]).get('sort')).toBe('attention')
    const rows = wrapper.findAll('[data-test="my-client"]')
    expect(rows).toHaveLength(2)
    expect(rows[0].find('a[href="/clients/9"]').text()).toBe('芜湖长江实业集团有限公司')
    expect(rows[0].text()).toContain('S 级')
    expect(rows[0].find('[data-test="badge-overdue"]').attributes('href')).toBe('/agenda')
    expect(rows[0].classes()).toContain('attention')
    expect(rows[1].find('[data-test="badge-none"]').exists()).toBe(true)
    wrapper.unmount()
  })

  it('keeps the sort in the URL and reads it back', async () => {
    const { wrapper, calls, router } = await open('/my-clients?sort=name', [row(9, '芜湖长江实业集团有限公司')])
    expect(query(calls[0]).get('sort')).toBe('name')
    await wrapper.find('[data-test="sort-contract_end"] input').setValue(true)
    await flushPromises()
    expect(query(calls.at(-1) as Call).get('sort')).toBe('contract_end')
    expect(router.currentRoute.value.query.sort).toBe('contract_end')
    await wrapper.find('[data-test="sort-attention"] input').setValue(true)
    await flushPromises()
    expect(router.currentRoute.value.query.sort).toBeUndefined()
    wrapper.unmount()
  })

  it('asks for the default order when the URL names an unknown sort', async () => {
    const { wrapper, calls } = await open('/my-clients?sort=bogus', [])
    expect(query(calls[0]).get('sort')).toBe('attention')
    expect(wrapper.find('[data-test="my-clients-empty"]').exists()).toBe(true)
    wrapper.unmount()
  })
})

describe('dossier summary and category filter', () => {
  it('shows the summary under the name and refetches the timeline by category, kept in the URL', async () => {
    const entry = intel({ id: 5, title: '联通报价', category: 'business' })
    const { calls } = routedFetch(
      on('GET', '/categories', [BUSINESS]),
      on('GET', '/clients/9/dossier', (call: Call) =>
        new Response(
          JSON.stringify(
            dossier({
              summary: summary({ pending_entries: 2, contract_end: '2099-01-01' }),
              intel: query(call).get('category') ? [entry] : [entry, intel({ id: 6, title: '其他' })],
              owner_history: [{ from: null, to: { id: 3, real_name: '张伟' }, changed_by: { id: 1, real_name: '管理员' }, note: '', created_at: '2026-11-01T00:00:00Z' }],
              usages: [usage({ intel_id: 5 }), usage({ id: 8, intel_id: 6 })],
            }),
          ),
          { status: 200, headers: { 'Content-Type': 'application/json' } },
        ),
      ),
    )
    const { wrapper, router } = await mountView(ClientDossierView, { path: '/clients/9?category=business', pattern: '/clients/:id', roles: ['account_manager'] })
    const dossierCalls = () => calls.filter((c) => c.url.startsWith('/api/v1/clients/9/dossier'))
    expect(query(dossierCalls()[0]).get('category')).toBe('business')
    const header = wrapper.find('[data-test="dossier-summary"]')
    expect(header.text()).toContain('待审核 2')
    expect(header.find('a[href="/clients/9"]').exists()).toBe(false)
    // Filtered: the entry and its usage, no owner changes, no usages of other entries.
    const kinds = wrapper.findAll('[data-test="timeline-event"]').map((e) => e.attributes('data-kind'))
    expect(kinds.sort()).toEqual(['intel', 'usage'])

    await router.replace({ path: '/clients/9', query: {} })
    await flushPromises()
    expect(dossierCalls()).toHaveLength(2)
    expect(query(dossierCalls()[1]).get('category')).toBeNull()
    expect(wrapper.findAll('[data-test="timeline-event"]')).toHaveLength(5)
    wrapper.unmount()
  })
})
