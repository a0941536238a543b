import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import AdminPointRules from '@/views/admin/AdminPointRules.vue'
import LeaderboardView from '@/views/LeaderboardView.vue'
import type { Rules } from '@/types'
import { DEFAULT_RULES, json, mountView, on, query, routedFetch, user, type Call } from './fixtures'

function setInput(selector: string, value: string): void {
  const el = document.body.querySelector<HTMLInputElement>(selector)
  if (!el) throw new Error(`no ${selector}`)
  el.value = value
  el.dispatchEvent(new Event('input'))
  el.dispatchEvent(new Event('change'))
}

describe('admin points tab', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    document.body.innerHTML = ''
  })

  function serve() {
    return routedFetch(
      on('GET', '/points/rules', { version: 3, rules: DEFAULT_RULES }),
      on('PUT', '/points/rules', (call: Call) => json(200, { version: 4, rules: call.body })),
      on('POST', '/points/adjustments', (call: Call) =>
        json(201, { id: 0, reason: 'adjustment', intel_id: null, usage_id: null, rule_version: 3, created_at: '', ...(call.body as object) }),
      ),
      on('POST', '/points/recalculate', { rule_version: 3, corrected: 2, delta: -4 }),
      on('GET', '/users', { items: [user({ id: 4, employee_no: 'E004', real_name: '钱四' })], total: 1 }),
    )
  }

  it('labels every rule by its backend name and saves the Rules object with integers', async () => {
    const { calls } = serve()
    const { wrapper } = await mountView(AdminPointRules, { path: '/admin', pattern: '/admin', roles: ['admin'] })
    const rules = wrapper.find('[data-test="rules"]')
    expect(rules.text()).toContain('当前版本 3')
    for (const key of Object.keys(DEFAULT_RULES)) expect(wrapper.find(`[data-test="rule-${key}"]`).exists(), key).toBe(true)
    expect(rules.text()).toContain('采纳积分 = 基础分 × 平均分 ÷ 此值')
    expect(rules.text()).not.toContain('adopted_divisor')
    expect(rules.text()).toContain('每条情报“成功”积分上限')
    expect(rules.text()).toContain('使用结果为成功（每位记录人每条情报一次）')

    setInput('[data-test="rule-private_bonus"] input', '4')
    await flushPromises()
    await wrapper.find('[data-test="rules-save"]').trigger('click')
    await flushPromises()

    const put = calls.find((c) => c.method === 'PUT')
    expect(put?.body).toEqual({ ...DEFAULT_RULES, private_bonus: 4 })
    expect(put?.body).not.toHaveProperty('rules')
    for (const [key, value] of Object.entries(put?.body as Rules)) {
      if (key !== 'adopt_divisor' && key !== 'revision_share') expect(Number.isInteger(value), key).toBe(true)
    }
    await vi.waitFor(() => expect(wrapper.find('[data-test="rules"]').text()).toContain('当前版本 4'))
    wrapper.unmount()
  })

  it('validates and posts a manual adjustment', async () => {
    const { calls } = serve()
    const { wrapper } = await mountView(AdminPointRules, { path: '/admin', pattern: '/admin', roles: ['admin'] })
    await wrapper.find('[data-test="adjust-submit"]').trigger('click')
    await flushPromises()
    expect(calls.some((c) => c.url.includes('/points/adjustments'))).toBe(false)
    const form = wrapper.find('[data-test="adjustment"]')
    // Element Plus shows each form item's error after its own short delay.
    await vi.waitFor(() => {
      expect(form.text()).toContain('请选择用户')
      expect(form.text()).toContain('调整值须为非零整数')
      expect(form.text()).toContain('须说明调整原因')
    })

    // Pick the user through the picker component, then fill the rest.
    const picker = wrapper.findComponent({ name: 'ElSelect' })
    picker.vm.$emit('update:modelValue', 4)
    setInput('[data-test="adjust-delta"] input', '-3')
    setInput('input[data-test="adjust-note"]', '重复计分更正')
    await flushPromises()
    await wrapper.find('[data-test="adjust-submit"]').trigger('click')
    await flushPromises()

    const post = calls.find((c) => c.url === '/api/v1/points/adjustments')
    expect(post?.body).toEqual({ user_id: 4, delta: -3, note: '重复计分更正' })
    wrapper.unmount()
  })

  it('recalculates after confirmation and shows the result', async () => {
    const { calls } = serve()
    const { wrapper } = await mountView(AdminPointRules, { path: '/admin', pattern: '/admin', roles: ['admin'] })
    await wrapper.find('[data-test="recalculate"]').trigger('click')
    await flushPromises()
    expect(calls.some((c) => c.url.endsWith('/points/recalculate'))).toBe(false)
    await vi.waitFor(() => expect(document.body.querySelector('.el-message-box')).not.toBeNull())
    expect(document.body.querySelector('.el-message-box')!.textContent).toContain('版本 3')
    const confirm = [...document.body.querySelectorAll<HTMLButtonElement>('.el-message-box button')].find((b) => b.textContent?.trim() === '确定')
    confirm!.click()
    await vi.waitFor(() => expect(calls.some((c) => c.method === 'POST' && c.url.endsWith('/points/recalculate'))).toBe(true))
    await vi.waitFor(() => expect(wrapper.find('[data-test="recalculate-result"]').exists()).toBe(true))
    expect(wrapper.find('[data-test="recalculate-result"]').text()).toContain('更正 2 条情报，净变动 -4 积分')
    wrapper.unmount()
  })
})

describe('leaderboard', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    document.body.innerHTML = ''
  })

  it('toggles exclude_staff and keeps it in the URL', async () => {
    const board = {
      period: 'month',
      items: [{ rank: 1, user: { id: 4, real_name: '钱四', department: { id: 1, name: '政企客户部' } }, points: 30 }],
    }
    const { calls } = routedFetch(on('GET', '/leaderboard', board), on('GET', '/departments', []))
    const { wrapper, router } = await mountView(LeaderboardView, {
      path: '/leaderboard',
      pattern: '/leaderboard',
      stubs: { EChart: true },
    })
    const first = calls.find((c) => c.url.startsWith('/api/v1/leaderboard'))!
    expect(query(first).has('exclude_staff')).toBe(false)
    expect(wrapper.text()).toContain('政企客户部')

    await wrapper.find('[data-test="exclude-staff"]').trigger('click')
    await flushPromises()
    const last = calls.filter((c) => c.url.startsWith('/api/v1/leaderboard')).at(-1)!
    expect(query(last).get('exclude_staff')).toBe('true')
    await vi.waitFor(() => expect(router.currentRoute.value.query.exclude_staff).toBe('true'))
    wrapper.unmount()
  })
})
