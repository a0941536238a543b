// The dashboard: one's own ratings for everyone, and for a department head
// the ratings of their own department (the only department they may read).
import { afterEach, describe, expect, it, vi } from 'vitest'
import DashboardView from '@/views/DashboardView.vue'
import type { Ratings, Role } from '@/types'
import { json, mountView, on, routedFetch, user, type Handler } from './fixtures'

function ratings(submitted: number, adopted: number, meanScore: number | null): Ratings {
  return {
    period: 'month',
    quality: { decided: adopted, adoption_rate: 0.8, mean_score: meanScore },
    quantity: { submitted, adopted },
    usage: { adopted, used: 1, uses: 3, usage_rate: 0.5 },
    timeliness: { median_hours: 30 },
  }
}

const HEAD = { id: 7, real_name: '周部长', department: { id: 3, name: '营业厅' } }

function common(me = HEAD, roles: Role[] = ['employee', 'department_head']): Handler[] {
  return [
    on('GET', '/me', user({ ...me, roles })),
    on('GET', `/users/${me.id}/ratings`, ratings(2, 1, 4)),
    on('GET', '/notifications', { items: [], total: 0, unread: 0 }),
    on('GET', '/intel', { items: [], total: 0 }),
    on('GET', '/points/ledger', { items: [], total: 0 }),
  ]
}

function el(selector: string): HTMLElement | null {
  return document.body.querySelector(selector)
}

describe('dashboard', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    document.body.innerHTML = ''
  })

  it('gives a department head the ratings of their own department', async () => {
    const { calls } = routedFetch(...common(), on('GET', '/departments/3/ratings', ratings(41, 30, 3.87)))
    const { wrapper } = await mountView(DashboardView, { path: '/', pattern: '/', roles: ['department_head'], me: HEAD, stubs: { EChart: true } })
    await vi.waitFor(() => expect(el('[data-test="department-ratings"] [data-test="rating-quantity"]')).not.toBeNull())
    const card = el('[data-test="department-ratings"]')!
    expect(card.textContent).toContain('本部门 · 营业厅')
    expect(card.querySelector('[data-test="rating-quantity"] .value')!.textContent).toBe('41 / 30')
    expect(card.querySelector('[data-test="rating-quality"] .value')!.textContent).toBe('3.87')
    expect(calls.find((c) => c.url.startsWith('/api/v1/departments/3/ratings'))!.url).toBe('/api/v1/departments/3/ratings?period=month')
    wrapper.unmount()
  })

  it('says so when the department’s ratings are refused', async () => {
    routedFetch(...common(), on('GET', '/departments/3/ratings', () => json(403, { error: 'forbidden', message: '只能查看自己的评价' })))
    const { wrapper } = await mountView(DashboardView, { path: '/', pattern: '/', roles: ['department_head'], me: HEAD, stubs: { EChart: true } })
    await vi.waitFor(() => expect(el('[data-test="department-ratings-forbidden"]')).not.toBeNull())
    expect(el('[data-test="department-ratings"]')!.textContent).toContain('只有本部门负责人、审核员和管理员可以查看部门评价')
    wrapper.unmount()
  })

  it('asks for no department ratings for anyone else', async () => {
    const me = { id: 1, real_name: '张三', department: { id: 1, name: '政企客户部' } }
    const { calls } = routedFetch(...common(me, ['employee', 'account_manager', 'marketer']))
    const { wrapper } = await mountView(DashboardView, { path: '/', pattern: '/', roles: ['account_manager', 'marketer'], me, stubs: { EChart: true } })
    await vi.waitFor(() => expect(el('[data-test="rating-quantity"] .value')?.textContent).toBe('2 / 1'))
    expect(el('[data-test="department-ratings"]')).toBeNull()
    expect(calls.some((c) => c.url.includes('/departments/'))).toBe(false)
    expect(calls.filter((c) => c.url.includes('/ratings')).map((c) => c.url)).toEqual(['/api/v1/users/1/ratings?period=month'])
    wrapper.unmount()
  })
})
