// The browser tests in e2e/ find elements by `data-test` attributes (and a
// few Element Plus classes). This keeps those hooks where the harness
// expects them, so a refactor breaks here rather than in a later e2e run.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import LoginView from '@/views/LoginView.vue'
import SubmitView from '@/views/SubmitView.vue'
import ReviewView from '@/views/ReviewView.vue'
import AdminView from '@/views/AdminView.vue'
import NavMenu from '@/components/NavMenu.vue'
import AppLayout from '@/components/AppLayout.vue'
import ClientsView from '@/views/ClientsView.vue'
import ClientDossierView from '@/views/ClientDossierView.vue'
import StatsView from '@/views/StatsView.vue'
import NotificationSettingsView from '@/views/NotificationSettingsView.vue'
import { BUSINESS, client, dossier, intel, mountView, on, routedFetch } from './fixtures'

function el(selector: string): Element | null {
  return document.body.querySelector(selector)
}

describe('e2e hooks', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    document.body.innerHTML = ''
  })

  it('login page', async () => {
    routedFetch()
    const { wrapper } = await mountView(LoginView, { path: '/login', pattern: '/login' })
    expect(el('[data-test="login-input"]')?.tagName).toBe('INPUT')
    expect(el('[data-test="password-input"]')?.tagName).toBe('INPUT')
    expect(el('[data-test="login-submit"]')?.tagName).toBe('BUTTON')
    wrapper.unmount()
  })

  it('navigation and submit form', async () => {
    routedFetch(on('GET', '/categories', [BUSINESS]), on('GET', '/clients', { items: [client()], total: 1 }))
    const { wrapper } = await mountView(SubmitView, { path: '/submit', pattern: '/submit' })
    await flushPromises()
    for (const selector of ['[data-test="category-select"]', '[data-test="client-picker"]', '[data-test="source-private"]']) {
      expect(el(selector), selector).not.toBeNull()
    }
    expect(el('[data-test="title"]')?.tagName).toBe('INPUT')
    expect(el('[data-test="body"]')?.tagName).toBe('TEXTAREA')
    expect(el('[data-test="submit"]')?.tagName).toBe('BUTTON')
    expect(el('[data-test="category-business"]')?.tagName).toBe('LI')
    wrapper.unmount()

    const nav = await mountView(NavMenu, { path: '/', pattern: '/' })
    expect(el('[data-test="nav-submit"]')?.tagName).toBe('LI')
    nav.wrapper.unmount()
  })

  it('review queue and rubric', async () => {
    const entry = intel({ id: 77, status: 'submitted', author: { id: 2, real_name: '吴婷' } })
    routedFetch(
      on('GET', '/categories', [BUSINESS]),
      on('GET', '/reviews/queue', { items: [entry], total: 1 }),
      on('GET', '/intel/77', entry),
      on('GET', '/intel', { items: [], total: 0 }),
    )
    const { wrapper } = await mountView(ReviewView, { path: '/review', pattern: '/review', roles: ['reviewer'], me: { id: 3 } })
    await flushPromises()
    expect(el('[data-test="queue-item"][data-id="77"]')).not.toBeNull()
    const panel = el('[data-test="review-panel"][data-id="77"]')
    expect(panel).not.toBeNull()
    for (const criterion of ['truthfulness', 'relevance', 'completeness', 'timeliness', 'value']) {
      const row = panel!.querySelector(`[data-criterion="${criterion}"]`)
      expect(row?.querySelectorAll('.el-rate__item')).toHaveLength(5)
      expect(row?.querySelector('.el-rate__text')).not.toBeNull()
    }
    expect(panel!.querySelector('[data-test="decide-adopt"]')?.tagName).toBe('BUTTON')
    wrapper.unmount()
  })

  it('admin audit tab', async () => {
    routedFetch(on('GET', '/users', { items: [], total: 0 }), on('GET', '/departments', []), on('GET', '/audit', { items: [], total: 0 }))
    const { wrapper } = await mountView(AdminView, { path: '/admin', pattern: '/admin', roles: ['admin'] })
    expect(el('#tab-audit')).not.toBeNull()
    ;(el('#tab-audit') as HTMLElement).click()
    await flushPromises()
    await vi.waitFor(() => expect(el('[data-test="audit-table"]')).not.toBeNull())
    expect(el('[data-test="audit-action"]')?.tagName).toBe('INPUT')
    expect(el('[data-test="audit-search"]')?.tagName).toBe('BUTTON')
    wrapper.unmount()
  })

  it('admin jobs tab', async () => {
    routedFetch(
      on('GET', '/users', { items: [], total: 0 }),
      on('GET', '/departments', []),
      on('GET', '/jobs', ['stale_check', 'review_queue', 'daily_digest', 'weekly_digest'].map((job) => ({ job, current_period: '2026-11-28', done: false, last_run: null }))),
    )
    const { wrapper } = await mountView(AdminView, { path: '/admin', pattern: '/admin', roles: ['admin'] })
    expect(el('#tab-mail')).not.toBeNull()
    ;(el('#tab-jobs') as HTMLElement).click()
    await vi.waitFor(() => expect(document.body.querySelectorAll('[data-test="job-row"]')).toHaveLength(4))
    expect(el('[data-test="job-row"][data-job="weekly_digest"]')).not.toBeNull()
    expect(el('[data-test="job-run"][data-job="stale_check"]')?.tagName).toBe('BUTTON')
    wrapper.unmount()
  })

  it('user menu and notification settings', async () => {
    routedFetch(
      on('GET', '/notifications', { items: [], total: 0, unread: 0 }),
      on('GET', '/me/notification-preferences', {
        items: [{ kind: 'intel_adopted', label: '我的情报被采纳', email: 'immediate', default: 'immediate', choices: ['immediate', 'daily', 'off'] }],
      }),
    )
    const layout = await mountView(AppLayout, { path: '/', pattern: '/' })
    expect(el('[data-test="user-menu"]')?.tagName).toBe('BUTTON')
    ;(el('[data-test="user-menu"]') as HTMLElement).click()
    await vi.waitFor(() => expect(el('[data-test="menu-notification-settings"]')?.tagName).toBe('LI'))
    layout.wrapper.unmount()

    const page = await mountView(NotificationSettingsView, { path: '/settings/notifications', pattern: '/settings/notifications' })
    expect(el('[data-test="pref-row"][data-kind="intel_adopted"]')).not.toBeNull()
    expect(el('[data-test="pref-intel_adopted-off"] input')?.tagName).toBe('INPUT')
    expect(el('[data-test="pref-save"]')?.tagName).toBe('BUTTON')
    page.wrapper.unmount()
  })

  it('language switch in the header', async () => {
    routedFetch(on('GET', '/notifications', { items: [], total: 0, unread: 0 }))
    const { wrapper } = await mountView(AppLayout, { path: '/', pattern: '/' })
    expect(el('[data-test="locale-switch"]')?.tagName).toBe('BUTTON')
    ;(el('[data-test="locale-switch"]') as HTMLElement).click()
    await vi.waitFor(() => expect(el('[data-test="locale-en"]')?.tagName).toBe('LI'))
    expect(el('[data-test="locale-zh-CN"]')?.tagName).toBe('LI')
    wrapper.unmount()
  })

  it('client list and dossier timeline', async () => {
    routedFetch(
      on('GET', '/clients', { items: [client()], total: 1 }),
      on('GET', '/clients/9/dossier', dossier({ intel: [intel()] })),
      on('GET', '/categories', [BUSINESS]),
    )
    const list = await mountView(ClientsView, { path: '/clients', pattern: '/clients' })
    expect(el('[data-test="client-search"]')?.tagName).toBe('INPUT')
    expect(el('[data-test="client-link"][data-id="9"]')?.tagName).toBe('A')
    list.wrapper.unmount()

    const page = await mountView(ClientDossierView, { path: '/clients/9', pattern: '/clients/:id' })
    await vi.waitFor(() => expect(el('[data-test="timeline"] [data-test="timeline-event"][data-kind="intel"]')).not.toBeNull())
    expect(el('[data-test="dossier-name"]')?.textContent).toContain('芜湖长江实业集团有限公司')
    page.wrapper.unmount()
  })

  it('stats tabs, KPI cards, charts and cluster export', async () => {
    routedFetch(
      on('GET', '/categories', [BUSINESS]),
      on('GET', '/departments', []),
      on('GET', '/stats/overview', {
        period: 'month', from: null, to: null, submitted: 1, adopted: 1, decided: 1, adoption_rate: 1, usage_rate: 0, uses: 0, won: 0,
        mean_score: 4, median_review_hours: 2, by_category: {}, by_client_kind: {}, by_department: [],
        series: [{ bucket: '2026-11', submitted: 1, adopted: 1, uses: 0, won: 0 }],
      }),
      on('GET', '/stats/clusters', [{ tag: '高尔夫', clients: 1, groups: 1, individuals: 0 }]),
      on('GET', '/stats/clusters/%E9%AB%98%E5%B0%94%E5%A4%AB/clients', [{ client: client(), contacts: [] }]),
    )
    const { wrapper } = await mountView(StatsView, { path: '/stats', pattern: '/stats', roles: ['reviewer'], stubs: { EChart: { template: '<div class="echart-stub" />' } } })
    await vi.waitFor(() => expect(el('[data-test="kpi"]')).not.toBeNull())
    expect(el('[data-test="stats-series-chart"]')).not.toBeNull()
    for (const tab of ['overview', 'clusters', 'freshness', 'competitors', 'assessments', 'reviewers']) {
      expect(el(`#tab-${tab}`), tab).not.toBeNull()
    }
    ;(el('#tab-clusters') as HTMLElement).click()
    await vi.waitFor(() => expect(el('[data-test="cluster-tag"][data-tag="高尔夫"]')?.tagName).toBe('BUTTON'))
    ;(el('[data-test="cluster-tag"][data-tag="高尔夫"]') as HTMLElement).click()
    await vi.waitFor(() => expect(el('[data-test="cluster-client"][data-id="9"]')).not.toBeNull())
    expect(el('[data-test="export-csv"]')?.tagName).toBe('BUTTON')
    expect(el('[data-test="export-xlsx"]')?.tagName).toBe('BUTTON')
    wrapper.unmount()
  })
})
