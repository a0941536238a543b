// The paged lists as a reader uses them: filters and pages reach the server
// and the URL, and the search page follows Back.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import ClientsView from '@/views/ClientsView.vue'
import SearchView from '@/views/SearchView.vue'
import AdminUsers from '@/views/admin/AdminUsers.vue'
import type { SearchResult } from '@/types'
import { BUSINESS, client, intel, json, mountView, on, query, routedFetch, user, type Call } from './fixtures'

function el<T extends Element = HTMLElement>(selector: string): T | null {
  return document.body.querySelector<T>(selector)
}

function type(selector: string, text: string): void {
  const input = el<HTMLInputElement>(selector)!
  input.value = text
  input.dispatchEvent(new Event('input'))
}

function lastCall(calls: Call[], path: string): URLSearchParams {
  return query(calls.filter((c) => c.url.split('?')[0] === `/api/v1${path}`).at(-1)!)
}

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('clients list', () => {
  it('searches once typing stops, narrows to my clients and pages, keeping all of it in the URL', async () => {
    const { calls } = routedFetch(on('GET', '/clients', { items: [client()], total: 45 }))
    const { wrapper, router } = await mountView(ClientsView, { path: '/clients?page=2', pattern: '/clients', me: { id: 5 } })
    expect(Object.fromEntries(lastCall(calls, '/clients'))).toEqual({ page: '2', per_page: '20' })
    expect(el('[data-test="client-link"][data-id="9"]')?.textContent).toContain('芜湖长江实业集团有限公司')
    expect(el('[data-test="list-pager"]')?.textContent).toContain('45')

    type('input[data-test="client-search"]', 'whcj')
    await flushPromises()
    const before = calls.length
    await vi.waitFor(() => expect(lastCall(calls, '/clients').get('q')).toBe('whcj'))
    expect(calls.length).toBe(before + 1)
    expect(lastCall(calls, '/clients').get('page')).toBe('1')
    expect(router.currentRoute.value.query).toEqual({ q: 'whcj' })

    await wrapper.find('.el-checkbox input').setValue(true)
    await flushPromises()
    expect(lastCall(calls, '/clients').get('owner_id')).toBe('5')

    el<HTMLButtonElement>('[data-test="list-pager"] .btn-next')!.click()
    await flushPromises()
    expect(lastCall(calls, '/clients').get('page')).toBe('2')
    expect(router.currentRoute.value.query).toEqual({ q: 'whcj', mine: '1', page: '2' })
    wrapper.unmount()
  })
})

describe('search page', () => {
  const RESULT: SearchResult = {
    total: 1,
    items: [{ intel: intel(), score: 3.2, snippet: '财务副总反映<mark>话费</mark>报销手续繁琐' }],
    facets: { category: { business: 1 }, client_kind: { group: 1 } },
  }

  it('searches what the URL says, narrows by a facet, submits typed text on Enter and follows Back', async () => {
    const { calls } = routedFetch(on('GET', '/categories', [BUSINESS]), on('GET', '/search', RESULT))
    const { wrapper, router } = await mountView(SearchView, { path: '/search?q=话费&sort=random', pattern: '/search' })
    expect(Object.fromEntries(lastCall(calls, '/search'))).toEqual({ q: '话费', page: '1', per_page: '20' })
    expect(el('[data-test="search-hit"][data-id="41"] mark')?.textContent).toBe('话费')
    expect(wrapper.text()).toContain('找到 1 条结果')

    const facet = wrapper.findAll('.facet').find((f) => f.text().includes('业务状况'))!
    await facet.trigger('click')
    await flushPromises()
    expect(lastCall(calls, '/search').get('category')).toBe('business')
    expect(router.currentRoute.value.query).toMatchObject({ q: '话费', category: 'business' })

    const searches = calls.filter((c) => c.url.startsWith('/api/v1/search')).length
    type('input[data-test="search-input"]', '报销')
    await flushPromises()
    // Typing alone does not search: every search is logged.
    expect(calls.filter((c) => c.url.startsWith('/api/v1/search'))).toHaveLength(searches)
    await wrapper.find('input[data-test="search-input"]').trigger('keyup', { key: 'Enter' })
    await flushPromises()
    expect(Object.fromEntries(lastCall(calls, '/search'))).toMatchObject({ q: '报销', category: 'business' })

    router.back()
    await vi.waitFor(() => expect(router.currentRoute.value.query.q).toBe('话费'))
    await flushPromises()
    expect(lastCall(calls, '/search').get('q')).toBe('话费')
    expect(el<HTMLInputElement>('input[data-test="search-input"]')!.value).toBe('话费')
    wrapper.unmount()
  })

  it('says so when the server has no search, without an error toast', async () => {
    routedFetch(on('GET', '/categories', [BUSINESS]))
    const { wrapper } = await mountView(SearchView, { path: '/search?q=x', pattern: '/search' })
    expect(el('[data-test="search-unavailable"]')).not.toBeNull()
    expect(el('.el-message')).toBeNull()
    wrapper.unmount()
  })
})

describe('admin users tab', () => {
  it('searches users by name and shows a switched account as the server answers', async () => {
    let active = true
    const { calls } = routedFetch(
      on('GET', '/departments', []),
      on('GET', '/users', () => json(200, { items: [user({ id: 4, real_name: '钱四', is_active: active })], total: 1 })),
      on('PATCH', '/users/4', (call) => {
        active = (call.body as { is_active: boolean }).is_active
        return json(200, user({ id: 4, real_name: '钱四', is_active: active }))
      }),
    )
    const { wrapper, router } = await mountView(AdminUsers, { path: '/admin?tab=users', pattern: '/admin', roles: ['admin'] })
    expect(wrapper.text()).toContain('钱四')

    await wrapper.find('.toolbar input').setValue('钱')
    await vi.waitFor(() => expect(lastCall(calls, '/users').get('q')).toBe('钱'))
    // The admin tabs share one URL: the list keeps out of it.
    expect(router.currentRoute.value.query).toEqual({ tab: 'users' })

    await wrapper.find('.el-switch').trigger('click')
    await flushPromises()
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ is_active: false })
    await vi.waitFor(() => expect(wrapper.find('.el-switch').classes()).not.toContain('is-checked'))
    wrapper.unmount()
  })

  it('shows e-mail, balance and every role, a department head included, and offers the role', async () => {
    routedFetch(
      on('GET', '/departments', []),
      on('GET', '/users', {
        items: [
          user({ id: 7, real_name: '周部长', email: 'zhou@example.com', points: 12, roles: ['employee', 'department_head'] }),
          // Another admin's server might leave them out; never "undefined".
          user({ id: 8, real_name: '吴八', email: undefined, points: undefined }),
        ],
        total: 2,
      }),
    )
    const { wrapper } = await mountView(AdminUsers, { path: '/admin?tab=users', pattern: '/admin', roles: ['admin'] })
    const rows = wrapper.findAll('.el-table__body tr')
    expect(rows[0].text()).toContain('zhou@example.com')
    expect(rows[0].text()).toContain('12')
    expect(rows[0].text()).toContain('部门负责人')
    expect(rows[1].text()).toContain('—')
    expect(wrapper.text()).not.toContain('undefined')
    await wrapper.findAll('button').find((b) => b.text().trim() === '编辑')!.trigger('click')
    await flushPromises()
    const checkboxes = [...document.body.querySelectorAll('.el-dialog .el-checkbox')].map((c) => c.textContent?.trim())
    expect(checkboxes).toContain('部门负责人')
    expect(document.body.querySelector('.el-dialog .el-checkbox.is-checked:nth-child(5)')?.textContent).toContain('部门负责人')
    wrapper.unmount()
  })
})
