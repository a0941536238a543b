// Competitor entries about the whole market (no client) or several clients:
// how every view shows them, how the editor sends them, and the statistics.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus, { ElSelect } from 'element-plus'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import { i18n, setLocale } from '@/i18n'
import IntelClients from '@/components/IntelClients.vue'
import IntelEditor from '@/components/IntelEditor.vue'
import IntelDetailView from '@/views/IntelDetailView.vue'
import ReviewView from '@/views/ReviewView.vue'
import SearchView from '@/views/SearchView.vue'
import MyIntelView from '@/views/MyIntelView.vue'
import ClientDossierView from '@/views/ClientDossierView.vue'
import StatsView from '@/views/StatsView.vue'
import type { Category, ClientRef, CompetitorView, Intel, SearchHit, StatsOverview } from '@/types'
import { clientsOf, namesAnyClients, subjectOf } from '@/utils/intelClients'
import { BUSINESS, client, dossier, intel, json, mountView, on, routedFetch, type Call, type Handler } from './fixtures'

const COMPETITOR: Category = {
  key: 'competitor',
  name: '竞争对手',
  name_en: 'Competitor',
  base_points: 12,
  freshness_days: 30,
  fields: [
    { key: 'competitor', label: '竞争对手', label_en: 'Competitor', type: 'enum', required: true, sensitive: false, options: ['中国电信', '中国联通', '中国广电', '其他'] },
    { key: 'offer', label: '对方方案/优惠', label_en: 'Offer', type: 'text', required: true, sensitive: false },
  ],
}

const WUHU: ClientRef = { id: 9, name: '芜湖长江实业集团有限公司', kind: 'group' }
const CHERY: ClientRef = { id: 12, name: '奇瑞汽车股份有限公司', kind: 'group' }
const CHEN: ClientRef = { id: 20, name: '陈董', kind: 'individual' }

function competitorEntry(clients: ClientRef[], overrides: Partial<Intel> = {}): Intel {
  return intel({
    id: 60,
    client: clients[0] ?? null,
    clients,
    category: 'competitor',
    category_name: '竞争对手',
    title: '电信推出全市场专线降价',
    body: '电信本月起全省专线资费下调三成。',
    fields: { competitor: '中国电信', offer: '专线七折' },
    ...overrides,
  })
}

const MARKET = competitorEntry([])

function el<T extends Element = HTMLElement>(selector: string): T | null {
  return document.body.querySelector<T>(selector)
}

function testRouter() {
  const stub = { template: '<div />' }
  return createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: stub },
      { path: '/clients/:id', component: stub },
      { path: '/intel/:id', component: stub },
    ],
  })
}

afterEach(() => {
  vi.unstubAllGlobals()
  vi.useRealTimers()
  document.body.innerHTML = ''
  setLocale('zh-CN')
})

describe('who an entry is about', () => {
  it('lists the clients, the shown one first, and nothing for the whole market', () => {
    expect(clientsOf({ client: WUHU, clients: [WUHU, CHERY] })).toEqual([WUHU, CHERY])
    expect(clientsOf({ client: null, clients: [] })).toEqual([])
    // A body without `clients` (an older server) still names its client.
    expect(clientsOf({ client: WUHU } as Intel)).toEqual([WUHU])
  })

  it('sends the first chosen client as client_id and the others as client_ids', () => {
    expect(subjectOf([])).toEqual({ client_id: null, client_ids: [] })
    expect(subjectOf([9])).toEqual({ client_id: 9, client_ids: [] })
    expect(subjectOf([12, 9, 20])).toEqual({ client_id: 12, client_ids: [9, 20] })
  })

  it('lets only competitor entries name no client or several', () => {
    expect(namesAnyClients('competitor')).toBe(true)
    expect(namesAnyClients('business')).toBe(false)
  })
})

describe('IntelClients', () => {
  async function render(props: InstanceType<typeof IntelClients>['$props']) {
    const router = testRouter()
    await router.push('/')
    return mount(IntelClients, { props, global: { plugins: [ElementPlus, i18n, router] } })
  }

  it('tags a market-wide entry 全市场 / Whole market', async () => {
    const wrapper = await render({ intel: MARKET })
    expect(wrapper.find('[data-test="market-wide"]').text()).toBe('全市场')
    expect(wrapper.findAll('a')).toHaveLength(0)
    setLocale('en')
    await flushPromises()
    expect(wrapper.find('[data-test="market-wide"]').text()).toBe('Whole market')
  })

  it('links each client to its dossier with its kind, and counts those past the limit', async () => {
    const wrapper = await render({ intel: competitorEntry([WUHU, CHERY, CHEN]), limit: 2 })
    const links = wrapper.findAll('[data-test="intel-client"]')
    expect(links.map((a) => a.attributes('href'))).toEqual(['/clients/9', '/clients/12'])
    expect(wrapper.text()).toContain('集团客户')
    expect(wrapper.find('[data-test="intel-clients-more"]').text()).toBe('另 1 个')
    expect(wrapper.find('[data-test="market-wide"]').exists()).toBe(false)
  })

  it('gives the names as text in list rows', async () => {
    expect((await render({ intel: competitorEntry([WUHU, CHERY, CHEN]), plain: true, limit: 2 })).text()).toBe(
      '芜湖长江实业集团有限公司、奇瑞汽车股份有限公司 等 3 个客户',
    )
    expect((await render({ intel: MARKET, plain: true })).text()).toBe('全市场')
    expect((await render({ intel: intel(), plain: true })).text()).toBe('芜湖长江实业集团有限公司')
  })

  it('shows nothing in a dossier when the entry names no other client', async () => {
    const wrapper = await render({ intel: competitorEntry([WUHU]), except: 9 })
    expect(wrapper.find('[data-test="intel-clients"]').exists()).toBe(false)
    const others = await render({ intel: competitorEntry([WUHU, CHERY]), except: 9 })
    expect(others.findAll('[data-test="intel-client"]').map((a) => a.text())).toEqual(['奇瑞汽车股份有限公司'])
  })
})

describe('the editor of a competitor entry', () => {
  function serve(...handlers: Handler[]) {
    return routedFetch(...handlers, on('GET', '/categories', [BUSINESS, COMPETITOR]), on('POST', '/search/similar', []))
  }

  async function openEditor(props: InstanceType<typeof IntelEditor>['$props']) {
    setActivePinia(createPinia())
    setLocale('zh-CN')
    const router = testRouter()
    await router.push('/')
    const wrapper = mount(IntelEditor, { props, global: { plugins: [ElementPlus, i18n, router] }, attachTo: document.body })
    await flushPromises()
    return wrapper
  }

  function button(wrapper: ReturnType<typeof mount>, text: string) {
    return wrapper.findAll('button').find((b) => b.text() === text)!
  }

  function lastWrite(calls: Call[]): Call {
    return calls.filter((c) => c.method !== 'GET' && c.url !== '/api/v1/search/similar').at(-1)!
  }

  it('round-trips a market-wide draft: 全市场 ticked, no picker, sent as client_id null and no client_ids', async () => {
    const draft = competitorEntry([], { status: 'draft', quality: null, submitted_at: null, adopted_at: null })
    const { calls } = serve(on('PUT', '/intel/60', (call: Call) => json(200, { ...draft, status: 'submitted', ...(call.body as object) })))
    const wrapper = await openEditor({ mode: 'edit', intel: draft })
    expect(wrapper.find<HTMLInputElement>('[data-test="scope-market"] input').element.checked).toBe(true)
    expect(wrapper.find('[data-test="client-picker"]').exists()).toBe(false)
    expect(wrapper.find('[data-test="market-hint"]').text()).toContain('面向整个市场')

    await button(wrapper, '重新提交审核').trigger('click')
    await flushPromises()
    const put = lastWrite(calls)
    expect(put.url).toBe('/api/v1/intel/60')
    expect(put.body).toMatchObject({ submit: true, category: 'competitor', client_id: null, client_ids: [] })
    expect(wrapper.emitted('done')).toHaveLength(1)
    wrapper.unmount()
  })

  it('round-trips several clients, the first as client_id, and turns them into the whole market', async () => {
    const draft = competitorEntry([CHERY, WUHU], { status: 'draft', quality: null, submitted_at: null, adopted_at: null })
    const { calls } = serve(on('PUT', '/intel/60', json(200, draft)), on('PUT', '/intel/60', json(200, draft)))
    const wrapper = await openEditor({ mode: 'edit', intel: draft })
    expect(wrapper.find<HTMLInputElement>('[data-test="scope-clients"] input').element.checked).toBe(true)
    expect(wrapper.findComponent(ElSelect).exists()).toBe(true)
    const picker = wrapper.findAllComponents(ElSelect).find((s) => s.attributes('data-test') === 'client-picker')!
    expect(picker.props('multiple')).toBe(true)
    expect(picker.props('modelValue')).toEqual([12, 9])
    expect(picker.text()).toContain('奇瑞汽车股份有限公司')

    await button(wrapper, '保存草稿').trigger('click')
    await flushPromises()
    expect(lastWrite(calls).body).toMatchObject({ submit: false, client_id: 12, client_ids: [9] })

    await wrapper.find('[data-test="scope-market"] input').setValue(true)
    await button(wrapper, '保存草稿').trigger('click')
    await flushPromises()
    expect(lastWrite(calls).body).toMatchObject({ client_id: null, client_ids: [] })

    // Back to naming clients: the chosen ones are still there.
    await wrapper.find('[data-test="scope-clients"] input').setValue(true)
    expect(wrapper.findAllComponents(ElSelect).find((s) => s.attributes('data-test') === 'client-picker')!.props('modelValue')).toEqual([12, 9])
    wrapper.unmount()
  })

  it('creates a market-wide entry, requires a client otherwise, and shows the server’s client_ids problem', async () => {
    const { calls } = serve(
      on('POST', '/intel', () => json(422, { error: 'validation_failed', message: '校验失败', fields: { client_ids: '只有竞争情报可以关联多个客户' } })),
    )
    const wrapper = await openEditor({ mode: 'create' })
    const category = wrapper.findAllComponents(ElSelect).find((s) => s.attributes('data-test') === 'category-select')!
    category.vm.$emit('update:modelValue', 'competitor')
    await flushPromises()
    expect(wrapper.find('[data-test="client-scope"]').exists()).toBe(true)

    await button(wrapper, '保存草稿').trigger('click')
    await flushPromises()
    expect(calls.some((c) => c.method === 'POST' && c.url === '/api/v1/intel')).toBe(false)
    await vi.waitFor(() => expect(wrapper.find('[data-test="client-field"] .el-form-item__error').text()).toBe('请选择至少一个客户，或改选全市场'))

    await wrapper.find('[data-test="scope-market"] input').setValue(true)
    await wrapper.find('input[data-test="title"]').setValue('联通校园卡全市场促销')
    await button(wrapper, '保存草稿').trigger('click')
    await flushPromises()
    const post = lastWrite(calls)
    expect(post.url).toBe('/api/v1/intel')
    expect(post.body).toMatchObject({ draft: true, category: 'competitor', client_id: null, client_ids: [] })
    await vi.waitFor(() => expect(wrapper.find('[data-test="client-field"] .el-form-item__error').text()).toBe('只有竞争情报可以关联多个客户'))

    // Another category needs its one client again.
    category.vm.$emit('update:modelValue', 'business')
    await flushPromises()
    expect(wrapper.find('[data-test="client-scope"]').exists()).toBe(false)
    const picker = wrapper.findAllComponents(ElSelect).find((s) => s.attributes('data-test') === 'client-picker')!
    expect(picker.props('multiple')).toBe(false)
    await button(wrapper, '保存草稿').trigger('click')
    await flushPromises()
    await vi.waitFor(() => expect(wrapper.find('[data-test="client-field"] .el-form-item__error').text()).toBe('请选择客户'))
    wrapper.unmount()
  })

  it('hints at similar entries of the whole market while writing, without the entry itself', async () => {
    const similar: SearchHit[] = [
      { intel: competitorEntry([], { id: 70, title: '电信专线七折促销' }), score: 3.2, snippet: '电信专线' },
      { intel: competitorEntry([], { id: 60 }), score: 3, snippet: '' },
    ]
    const draft = competitorEntry([], { status: 'draft' })
    const { calls } = routedFetch(on('GET', '/categories', [COMPETITOR]), on('POST', '/search/similar', similar))
    const wrapper = await openEditor({ mode: 'edit', intel: draft })
    expect(calls.some((c) => c.url === '/api/v1/search/similar')).toBe(false)

    await wrapper.find('input[data-test="title"]').setValue('电信专线降价')
    await vi.waitFor(() => expect(wrapper.find('[data-test="similar-hints"]').exists()).toBe(true), { timeout: 3000 })
    const asked = calls.filter((c) => c.url === '/api/v1/search/similar')
    expect(asked).toHaveLength(1)
    expect(asked[0].body).toEqual({ client_id: null, title: '电信专线降价', body: '电信本月起全省专线资费下调三成。' })
    const hints = wrapper.findAll('[data-test="similar-hint"]')
    expect(hints.map((h) => h.attributes('data-id'))).toEqual(['70'])
    expect(hints[0].text()).toContain('全市场')
    expect(hints[0].find('a').attributes('href')).toBe('/intel/70')
    wrapper.unmount()
  })
})

describe('views of a market-wide or several-client entry', () => {
  it('shows 全市场 on the entry page and asks for no client', async () => {
    const { calls } = routedFetch(
      on('GET', '/categories', [COMPETITOR]),
      on('GET', '/intel/60', MARKET),
      on('GET', '/intel/60/usages', []),
    )
    const { wrapper } = await mountView(IntelDetailView, { path: '/intel/60', pattern: '/intel/:id' })
    expect(wrapper.find('[data-test="intel-detail"] h1').text()).toBe('电信推出全市场专线降价')
    expect(wrapper.find('[data-test="market-wide"]').text()).toBe('全市场')
    expect(calls.some((c) => c.url.startsWith('/api/v1/clients'))).toBe(false)
    expect(wrapper.find('[data-test="record-usage"]').exists()).toBe(true)
    wrapper.unmount()
  })

  it('links every client on the entry page and lets the owner of any of them revise', async () => {
    const entry = competitorEntry([WUHU, CHERY], { author: { id: 2, real_name: '李四' } })
    routedFetch(
      on('GET', '/categories', [COMPETITOR]),
      on('GET', '/intel/60', entry),
      on('GET', '/intel/60/usages', []),
      on('GET', '/clients/9', client({ owner: { id: 5, real_name: '王经理' } })),
      on('GET', '/clients/12', client({ id: 12, name: CHERY.name, owner: { id: 6, real_name: '孙丽' } })),
    )
    const { wrapper } = await mountView(IntelDetailView, { path: '/intel/60', pattern: '/intel/:id', roles: ['account_manager'], me: { id: 6 } })
    expect(wrapper.findAll('[data-test="intel-client"]').map((a) => a.attributes('href'))).toEqual(['/clients/9', '/clients/12'])
    expect(wrapper.findAll('button').some((b) => b.text() === '提交修订')).toBe(true)
    wrapper.unmount()
  })

  it('shows 全市场 in a search hit and in my entries', async () => {
    routedFetch(
      on('GET', '/categories', [COMPETITOR]),
      on('GET', '/search', { items: [{ intel: MARKET, score: 1, snippet: '电信' }], total: 1, facets: { category: { competitor: 1 }, client_kind: {} } }),
      on('GET', '/intel', { items: [competitorEntry([]), competitorEntry([WUHU, CHERY], { id: 61 })], total: 2 }),
    )
    const search = await mountView(SearchView, { path: '/search?q=电信', pattern: '/search' })
    expect(search.wrapper.find('[data-test="search-hit"] [data-test="market-wide"]').text()).toBe('全市场')
    search.wrapper.unmount()

    const my = await mountView(MyIntelView, { path: '/my', pattern: '/my' })
    const rows = my.wrapper.findAll('[data-test="my-entries"] [data-test="intel-clients"]').map((r) => r.text())
    expect(rows).toEqual(['全市场', '芜湖长江实业集团有限公司、奇瑞汽车股份有限公司'])
    my.wrapper.unmount()
  })

  it('reviews a market-wide entry with its similar adopted entries as duplicate candidates', async () => {
    const earlier = competitorEntry([], { id: 55, title: '电信专线打折', status: 'adopted' })
    const pending = competitorEntry([], { id: 56, title: '电信专线打折（待审）', status: 'submitted' })
    const queued = { ...MARKET, status: 'submitted' }
    const { calls } = routedFetch(
      on('GET', '/categories', [COMPETITOR]),
      on('GET', '/reviews/queue', { items: [queued], total: 1 }),
      on('GET', '/intel/60', queued),
      on('GET', '/intel/60/similar', [
        { intel: earlier, score: 2, snippet: '' },
        { intel: pending, score: 1, snippet: '' },
      ]),
    )
    const { wrapper } = await mountView(ReviewView, { path: '/review', pattern: '/review', roles: ['reviewer'] })
    expect(wrapper.find('[data-test="queue-item"]').text()).toContain('全市场 · 竞争对手')
    expect(wrapper.find('[data-test="review-panel"] [data-test="market-wide"]').text()).toBe('全市场')
    expect(calls.some((c) => c.url.startsWith('/api/v1/intel?'))).toBe(false)
    const duplicate = wrapper.findAllComponents(ElSelect).find((s) => s.props('placeholder') === '选择相似的已采纳情报')!
    expect(duplicate.exists()).toBe(true)
    expect(duplicate.findAllComponents({ name: 'ElOption' }).map((o) => o.props('value'))).toEqual([55])
    wrapper.unmount()
  })

  it('names the other clients of an entry in a dossier timeline', async () => {
    routedFetch(
      on('GET', '/categories', [BUSINESS, COMPETITOR]),
      on('GET', '/clients/9/dossier', dossier({ intel: [competitorEntry([WUHU, CHERY]), intel({ id: 41 })] })),
      on('GET', '/follows', []),
    )
    const { wrapper } = await mountView(ClientDossierView, { path: '/clients/9', pattern: '/clients/:id' })
    const also = wrapper.findAll('[data-test="also-about"]')
    expect(also).toHaveLength(1)
    expect(also[0].text()).toContain('同时关联：奇瑞汽车股份有限公司')
    wrapper.unmount()
  })
})

describe('market statistics', () => {
  const OVERVIEW: StatsOverview = {
    period: 'month',
    from: '2026-10-31T16:00:00Z',
    to: '2026-11-30T16:00:00Z',
    submitted: 9,
    adopted: 6,
    decided: 7,
    adoption_rate: 0.86,
    usage_rate: 0.5,
    uses: 3,
    won: 1,
    mean_score: 4,
    median_review_hours: 20,
    by_category: { competitor: { submitted: 9, adopted: 6, uses: 3, won: 1 } },
    by_client_kind: { group: { submitted: 5, adopted: 4, uses: 2, won: 1 }, market: { submitted: 4, adopted: 2, uses: 1, won: 0 } },
    by_department: [],
    series: [],
  }
  const COMPETITORS: CompetitorView[] = [
    {
      competitor: '中国电信',
      entries: 7,
      market_wide: 3,
      offers: [{ offer: '专线七折', entries: 2, min_tariff: 1200, max_tariff: 1800, latest_at: '2026-11-20T00:00:00Z' }],
      months: [{ month: '2026-11', entries: 7 }],
    },
    { competitor: '中国广电', entries: 2, market_wide: 0, offers: [], months: [{ month: '2026-11', entries: 2 }] },
  ]

  function serve() {
    return routedFetch(
      on('GET', '/categories', [COMPETITOR]),
      on('GET', '/departments', []),
      on('GET', '/stats/overview', OVERVIEW),
      on('GET', '/stats/competitors', COMPETITORS),
    )
  }

  it('labels entries about no client 全市场 in the overview by client kind', async () => {
    serve()
    const { wrapper } = await mountView(StatsView, { path: '/stats', pattern: '/stats', roles: ['marketer'], stubs: { EChart: true } })
    const chart = wrapper.findAllComponents({ name: 'EChart' }).find((c) => c.attributes('data-test') === 'stats-kind-chart')!
    const names = (chart.props('option') as { series: { data: { name: string }[] }[] }).series[0].data.map((d) => d.name)
    expect(names).toEqual(['集团客户', '全市场'])
    wrapper.unmount()
  })

  it('shows each competitor’s market-wide count beside its entries, when it has any', async () => {
    serve()
    const { wrapper } = await mountView(StatsView, { path: '/stats?tab=competitors', pattern: '/stats', roles: ['marketer'], stubs: { EChart: true } })
    await vi.waitFor(() => expect(el('[data-test="competitor"][data-name="中国电信"]')).not.toBeNull())
    const card = el('[data-test="competitor"][data-name="中国电信"]')!
    expect(card.textContent).toContain('7 条情报')
    expect(card.querySelector('[data-test="competitor-market-wide"]')!.textContent!.trim()).toBe('全市场 3')
    expect(el('[data-test="competitor"][data-name="中国广电"] [data-test="competitor-market-wide"]')).toBeNull()
    wrapper.unmount()
  })
})
