// The 登录限制 admin tab (GET /auth/throttles, POST /auth/throttles/clear),
// with bodies shaped as src/sessions/view.rs `ThrottleView`.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import AdminThrottles from '@/views/admin/AdminThrottles.vue'
import type { Throttle } from '@/types'
import { setLocale } from '@/i18n'
import { throttleRow, waitText } from '@/utils/throttles'
import { json, mountView, on, query, routedFetch } from './fixtures'

function throttle(overrides: Partial<Throttle> = {}): Throttle {
  return {
    key: 'account:42',
    kind: 'account',
    user: { id: 42, real_name: '钱审核' },
    value: null,
    failures: 7,
    throttled: true,
    retry_after_secs: 240,
    last_failure_at: '2026-11-28T08:00:00Z',
    ...overrides,
  }
}

const ADDRESS = throttle({ key: 'address:10.20.0.1', kind: 'address', user: null, value: '10.20.0.1', failures: 3, throttled: false, retry_after_secs: 0 })

function el<T extends Element = HTMLElement>(selector: string): T | null {
  return document.body.querySelector<T>(selector)
}

function messages(): string[] {
  return [...document.body.querySelectorAll('.el-message')].map((m) => m.textContent?.trim() ?? '')
}

async function confirmDialog(): Promise<void> {
  await vi.waitFor(() => expect(el('.el-message-box')).not.toBeNull())
  el<HTMLButtonElement>('.el-message-box .el-button--primary')!.click()
  await flushPromises()
}

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
  setLocale('zh-CN')
})

describe('throttle shaping', () => {
  it('names who is counted and how long they wait', () => {
    const account = throttleRow(throttle())
    expect([account.kindText, account.subject, account.waitText, account.tone]).toEqual(['账号', '钱审核', '4 分钟', 'danger'])
    const address = throttleRow(ADDRESS)
    expect([address.kindText, address.subject, address.waitText, address.tone]).toEqual(['地址', '10.20.0.1', '可立即尝试', 'warning'])
    expect(throttleRow(throttle({ key: 'login:nobody', kind: 'login', user: null, value: 'nobody' })).subject).toBe('nobody')
    expect(throttleRow(throttle({ kind: 'password_change', key: 'password:42' })).kindText).toBe('修改密码')
    expect(waitText(45)).toBe('45 秒')
    setLocale('en')
    expect(waitText(61)).toBe('2 min')
    expect(throttleRow(ADDRESS).kindText).toBe('Address')
  })
})

describe('登录限制 tab', () => {
  it('lists throttles and clears one after confirmation', async () => {
    let cleared = false
    const { calls } = routedFetch(
      on('GET', '/auth/throttles', () => {
        const items = cleared ? [ADDRESS] : [throttle(), ADDRESS]
        return json(200, { items, total: items.length })
      }),
      on('POST', '/auth/throttles/clear', () => {
        cleared = true
        return json(204)
      }),
    )
    const { wrapper } = await mountView(AdminThrottles, { path: '/admin', pattern: '/admin', roles: ['admin'] })
    expect(query(calls.find((c) => c.url.startsWith('/api/v1/auth/throttles'))!).get('page')).toBe('1')
    const table = el('[data-test="throttles-table"]')!
    expect(table.textContent).toContain('钱审核')
    expect(table.textContent).toContain('account:42')
    expect(table.textContent).toContain('受限')
    expect(table.textContent).toContain('10.20.0.1')

    el<HTMLButtonElement>('[data-test="throttle-clear"][data-key="account:42"]')!.click()
    await confirmDialog()
    const posts = calls.filter((c) => c.method === 'POST')
    expect(posts.map((c) => [c.url, c.body])).toEqual([['/api/v1/auth/throttles/clear', { key: 'account:42' }]])
    await vi.waitFor(() => expect(messages()).toContain('已清除“钱审核”的登录限制'))
    expect(el('[data-test="throttle-clear"][data-key="account:42"]')).toBeNull()
    wrapper.unmount()
  })

  it('explains a limit that expired meanwhile', async () => {
    routedFetch(
      on('GET', '/auth/throttles', { items: [throttle()], total: 1 }),
      on('POST', '/auth/throttles/clear', () => json(404, { error: 'not_found', message: '没有这条登录限制（可能已过期）' })),
    )
    const { wrapper } = await mountView(AdminThrottles, { path: '/admin', pattern: '/admin', roles: ['admin'] })
    el<HTMLButtonElement>('[data-test="throttle-clear"][data-key="account:42"]')!.click()
    await confirmDialog()
    await vi.waitFor(() => expect(messages()).toContain('这条限制已过期或已被清除，列表已刷新'))
    wrapper.unmount()
  })
})
