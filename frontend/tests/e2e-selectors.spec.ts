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
import { BUSINESS, client, intel, mountView, on, routedFetch } from './fixtures'

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
})
