// 绩效考核: period keys, a person's breakdown as the page writes it out, the
// rules editor's weights, the page per role (publish, 409, export) and a
// new category, against bodies shaped as src/appraisal/model.rs serialises them.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { i18n, setLocale } from '@/i18n'
import type { Appraisal, AppraisalRules, PersonAppraisal, SubScore } from '@/types'
import AppraisalBreakdown from '@/views/appraisal/AppraisalBreakdown.vue'
import AppraisalView from '@/views/AppraisalView.vue'
import AdminAppraisalRules from '@/views/admin/AdminAppraisalRules.vue'
import AdminCategories from '@/views/admin/AdminCategories.vue'
import { hasEnded, lastFinished, offeredPeriods, parsePeriod, periodKey, rulesProblems, sumLine, weightedTerms, weightsSum } from '@/utils/appraisal'
import { BUSINESS, json, mountView, on, query, routedFetch, type Call } from './fixtures'

const RULES: AppraisalRules = {
  weights: {
    saving_time: 10,
    saving_quality: 10,
    reporting_time: 15,
    reporting_quality: 25,
    updating_time: 10,
    updating_quality: 10,
    use_time: 10,
    use_quality: 10,
  },
  targets: { saving: 10, reporting: 4, updating: 2, use: 2 },
  report_full_hours: 24,
  report_zero_hours: 720,
  update_full_days: 7,
  update_zero_days: 30,
  feedback_full_days: 14,
  feedback_zero_days: 60,
}

function sub(n: number, raw: number | null, score: number, weight: number): SubScore {
  return { n, raw, score, weight, weighted: Math.round(score * weight * 10) / 1000 }
}

/** 吴婷's November: every number as the server computes it (src/appraisal/rules.rs). */
function person(overrides: Partial<PersonAppraisal> = {}): PersonAppraisal {
  return {
    user_id: 10,
    employee_no: 'E001',
    real_name: '吴婷',
    department_id: 3,
    department: '营业厅',
    total: 52.575,
    rank: 2,
    department_rank: 1,
    activities: {
      saving: { count: 8, target: 10, volume: 0.8, time: sub(8, 75, 60, 10), quality: sub(8, 90, 72, 10) },
      reporting: { count: 3, target: 4, volume: 0.75, time: sub(3, 83.333, 62.5, 15), quality: sub(2, 80, 60, 25) },
      updating: { count: 0, target: 2, volume: 0, time: sub(0, null, 0, 10), quality: sub(0, null, 0, 10) },
      use: { count: 2, target: 2, volume: 1, time: sub(2, 50, 50, 10), quality: sub(2, 100, 100, 10) },
    },
    ...overrides,
  }
}

function appraisal(overrides: Partial<Appraisal> = {}): Appraisal {
  const items = overrides.items ?? [person(), person({ user_id: 11, employee_no: 'E002', real_name: '郑浩', total: 60.1, rank: 1 })]
  return {
    period: '2026-11',
    from: '2026-11-01',
    to: '2026-11-30',
    published: false,
    published_at: null,
    published_by: null,
    rules: { version: 1, created_at: '2026-12-01T00:00:00Z', rules: RULES },
    departments: [
      { department_id: 3, name: '营业厅', people: 3, mean_total: 48.2, rank: 1 },
      { department_id: null, name: null, people: 1, mean_total: 0, rank: 2 },
    ],
    total: items.length,
    ...overrides,
    items,
  }
}

function el<T extends Element = HTMLElement>(selector: string): T | null {
  return document.body.querySelector<T>(selector)
}

function messages(): string[] {
  return [...document.body.querySelectorAll('.el-message')].map((m) => m.textContent?.trim() ?? '')
}

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('appraisal periods', () => {
  it('reads and writes month, quarter and year keys', () => {
    for (const key of ['2026-11', '2026-Q4', '2026']) expect(periodKey(parsePeriod(key)!)).toBe(key)
    expect(parsePeriod('2026-13')).toBeNull()
    expect(parsePeriod('2026-Q5')).toBeNull()
  })

  it('opens on the last finished period and knows which have ended', () => {
    const now = new Date(2026, 11, 7)
    expect(lastFinished('month', now)).toBe('2026-11')
    expect(lastFinished('quarter', now)).toBe('2026-Q3')
    expect(lastFinished('year', now)).toBe('2025')
    expect(lastFinished('month', new Date(2027, 0, 3))).toBe('2026-12')
    expect(hasEnded('2026-11', now)).toBe(true)
    expect(hasEnded('2026-12', now)).toBe(false)
    expect(hasEnded('2026-Q4', now)).toBe(false)
    expect(hasEnded('2026-Q4', new Date(2027, 0, 1))).toBe(true)
  })

  it('offers the current period first and keeps older published ones', () => {
    const offered = offeredPeriods('quarter', ['2026-11', '2023-Q1'], new Date(2026, 11, 7))
    expect(offered.slice(0, 3)).toEqual(['2026-Q4', '2026-Q3', '2026-Q2'])
    expect(offered).toHaveLength(9)
    expect(offered.at(-1)).toBe('2023-Q1')
  })
})

describe('a breakdown', () => {
  function mountBreakdown(props: { person: PersonAppraisal; period: string }) {
    setLocale('zh-CN')
    return mount(AppraisalBreakdown, { props: { rules: RULES, ...props }, global: { plugins: [ElementPlus, i18n] } })
  }

  function section(wrapper: ReturnType<typeof mountBreakdown>, activity: string) {
    return wrapper.find(`[data-activity="${activity}"]`)
  }

  it('writes out volume, mean × volume = score, × weight = weighted, and the sum', () => {
    const wrapper = mountBreakdown({ person: person(), period: '2026-11' })
    const reporting = section(wrapper, 'reporting')
    expect(reporting.find('[data-test="breakdown-volume"]').text()).toBe('本期提交的情报 3，目标 4 → 数量系数 = min(1, 3 ÷ 4) = 0.75')
    const [time, quality] = reporting.findAll('[data-test="breakdown-sub"]').map((s) => s.text())
    expect(time).toBe('3 项，平均 83.333 分 × 数量系数 0.75 = 62.5 分；× 权重 15% = 9.375')
    expect(quality).toBe('2 项，平均 80 分 × 数量系数 0.75 = 60.0 分；× 权重 25% = 15.000')
    expect(reporting.text()).toContain('观察后 24 小时内提交计 100 分，720 小时及以后计 0 分')

    const updating = section(wrapper, 'updating')
    expect(updating.find('[data-test="breakdown-sub"]').text()).toBe('没有可计分的项目 → 0 分；× 权重 10% = 0.000')
    expect(section(wrapper, 'use').text()).toContain('14 天内登记结果计 100 分，60 天及以后计 0 分')

    expect(wrapper.find('[data-test="breakdown-sum"]').text()).toBe(
      '总分 = 6.000 + 7.200 + 9.375 + 15.000 + 0.000 + 0.000 + 5.000 + 10.000 = 52.575',
    )
    expect(wrapper.find('[data-test="breakdown-total"]').text()).toBe('52.575')
    expect(wrapper.text()).toContain('总排名第 2 名 · 部门内第 1 名')
  })

  it('sums to the total it shows', () => {
    const p = person()
    const sum = weightedTerms(p).reduce((a, b) => a + b, 0)
    expect(Math.round(sum * 1000) / 1000).toBe(p.total)
    expect(sumLine(p, i18n.global.t)).toMatch(/= 52\.575$/)
  })

  it('explains a quarter target as months × the monthly one, but not saving’s', () => {
    const quarter = person({
      activities: {
        ...person().activities,
        reporting: { ...person().activities.reporting, count: 9, target: 12 },
      },
    })
    const wrapper = mountBreakdown({ person: quarter, period: '2026-Q4' })
    expect(section(wrapper, 'reporting').find('[data-test="breakdown-volume"]').text()).toBe(
      '本期提交的情报 9，目标 12（每月 4 × 3 个月）→ 数量系数 = min(1, 9 ÷ 12) = 0.75',
    )
    expect(section(wrapper, 'saving').find('[data-test="breakdown-volume"]').text()).toBe(
      '期末在流通的情报 8，目标 10 → 数量系数 = min(1, 8 ÷ 10) = 0.8',
    )
  })

  it('writes the formulas in English too', () => {
    setLocale('en')
    const wrapper = mount(AppraisalBreakdown, { props: { rules: RULES, person: person(), period: '2026-11' }, global: { plugins: [ElementPlus, i18n] } })
    const time = section(wrapper, 'reporting').findAll('[data-test="breakdown-sub"]')[0].text()
    expect(time).toBe('3 items, mean 83.333 × volume factor 0.75 = 62.5; × weight 15% = 9.375')
    expect(wrapper.find('[data-test="breakdown-sum"]').text()).toMatch(/^Total = 6\.000 \+ .* = 52\.575$/)
    setLocale('zh-CN')
  })
})

describe('the rules editor', () => {
  it('checks that the weights are whole and sum to 100 and that zero comes after full', () => {
    const t = i18n.global.t
    expect(weightsSum(RULES.weights)).toBe(100)
    expect(rulesProblems(RULES, t)).toEqual({})
    expect(rulesProblems({ ...RULES, weights: { ...RULES.weights, use_quality: 15 } }, t)).toEqual({ weights: '权重合计须为 100%，现为 105%' })
    expect(rulesProblems({ ...RULES, weights: { ...RULES.weights, use_quality: 9.5 } }, t).weights).toBe('须为 0–100 之间的整数')
    expect(rulesProblems({ ...RULES, update_zero_days: 7 }, t)).toEqual({ update_zero_days: '零分时限须大于满分时限' })
  })

  it('shows the live sum, refuses to save off 100 and saves a new version', async () => {
    const { calls } = routedFetch(
      on('GET', '/appraisal/rules', { version: 3, created_at: '2026-12-01T00:00:00Z', rules: RULES }),
      on('PUT', '/appraisal/rules', (call: Call) => json(200, { version: 4, created_at: '2026-12-07T00:00:00Z', rules: call.body })),
    )
    const { wrapper } = await mountView(AdminAppraisalRules, { path: '/admin', pattern: '/admin', roles: ['admin'] })
    expect(wrapper.text()).toContain('当前版本 3')
    expect(wrapper.find('[data-test="weights-sum"]').text()).toBe('合计 100%')
    expect(wrapper.find('[data-test="weights-error"]').exists()).toBe(false)

    const input = el<HTMLInputElement>('[data-test="weight-use_quality"] input')!
    input.value = '15'
    input.dispatchEvent(new Event('input'))
    input.dispatchEvent(new Event('change'))
    await flushPromises()
    expect(wrapper.find('[data-test="weights-sum"]').text()).toBe('合计 105%')
    expect(wrapper.find('[data-test="weights-error"]').text()).toBe('权重合计须为 100%，现为 105%')
    await wrapper.find('[data-test="appraisal-rules-save"]').trigger('click')
    await flushPromises()
    expect(calls.some((c) => c.method === 'PUT')).toBe(false)

    const other = el<HTMLInputElement>('[data-test="weight-use_time"] input')!
    other.value = '5'
    other.dispatchEvent(new Event('input'))
    other.dispatchEvent(new Event('change'))
    await flushPromises()
    expect(wrapper.find('[data-test="weights-sum"]').text()).toBe('合计 100%')
    await wrapper.find('[data-test="appraisal-rules-save"]').trigger('click')
    await flushPromises()
    const put = calls.find((c) => c.method === 'PUT')
    expect(put?.body).toEqual({ ...RULES, weights: { ...RULES.weights, use_time: 5, use_quality: 15 } })
    await vi.waitFor(() => expect(wrapper.text()).toContain('当前版本 4'))
    wrapper.unmount()
  })
})

describe('the appraisal page', () => {
  function serve(body: Appraisal, publish?: (call: Call) => Response) {
    const gets: Call[] = []
    const { calls } = routedFetch(
      (call) => {
        if (call.method === 'GET' && call.url.startsWith('/api/v1/appraisals/2026-11')) gets.push(call)
        return undefined
      },
      on('GET', '/appraisals/2026-11', () => json(200, body)),
      on('GET', '/appraisals', []),
      on('GET', '/departments', [{ id: 3, name: '营业厅', kind: 'frontline' }]),
      on('POST', '/appraisals', publish ?? (() => json(201, { ...body, published: true }))),
    )
    return { calls, gets }
  }

  it('shows an employee their own breakdown directly, with no publish or export', async () => {
    serve(appraisal({ items: [person({ user_id: 1 })] }))
    const { wrapper } = await mountView(AppraisalView, { path: '/appraisal?period=2026-11', pattern: '/appraisal', stubs: { EChart: true } })
    expect(wrapper.find('[data-test="appraisal-status"]').text()).toContain('预览')
    expect(wrapper.find('[data-test="appraisal-departments"]').text()).toContain('未分配部门')
    expect(wrapper.find('[data-test="appraisal-mine"] [data-test="breakdown-total"]').text()).toBe('52.575')
    expect(wrapper.find('[data-test="appraisal-people"]').exists()).toBe(false)
    expect(wrapper.find('[data-test="appraisal-publish"]').exists()).toBe(false)
    expect(wrapper.find('[data-test="appraisal-export"]').exists()).toBe(false)
    expect(wrapper.find('[data-test="appraisal-department"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('lists everyone for a reviewer, filters by department and opens a breakdown', async () => {
    const { gets } = serve(appraisal())
    const { wrapper } = await mountView(AppraisalView, { path: '/appraisal?period=2026-11', pattern: '/appraisal', stubs: { EChart: true }, roles: ['reviewer'] })
    const names = wrapper.findAll('[data-test="appraisal-name"]').map((n) => n.text())
    expect(names).toEqual(['吴婷', '郑浩'])
    expect(wrapper.find('[data-test="appraisal-export"]').exists()).toBe(true)
    expect(wrapper.find('[data-test="appraisal-publish"]').exists()).toBe(false)

    wrapper.findAllComponents({ name: 'ElSelect' }).find((s) => s.attributes('data-test') === 'appraisal-department')!.vm.$emit('update:modelValue', 3)
    await flushPromises()
    expect(query(gets.at(-1)!).get('department_id')).toBe('3')

    await wrapper.findAll('[data-test="appraisal-details"]')[0].trigger('click')
    await flushPromises()
    await vi.waitFor(() => expect(el('[data-test="appraisal-breakdown"]')).not.toBeNull())
    expect(el('.el-dialog')!.textContent).toContain('吴婷 的考核明细')
    wrapper.unmount()
  })

  it('publishes an ended period after confirmation and reloads', async () => {
    const { calls, gets } = serve(appraisal())
    const { wrapper } = await mountView(AppraisalView, { path: '/appraisal?period=2026-11', pattern: '/appraisal', stubs: { EChart: true }, roles: ['admin'] })
    const before = gets.length
    await wrapper.find('[data-test="appraisal-publish"]').trigger('click')
    await vi.waitFor(() => expect(el('.el-message-box')).not.toBeNull())
    expect(el('.el-message-box')!.textContent).toContain('2026年11月的考核结果按规则版本 1 冻结')
    expect(calls.some((c) => c.method === 'POST')).toBe(false)
    el<HTMLButtonElement>('.el-message-box .el-button--primary')!.click()
    await vi.waitFor(() => expect(calls.some((c) => c.method === 'POST' && c.url === '/api/v1/appraisals')).toBe(true))
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({ period: '2026-11' })
    await vi.waitFor(() => expect(gets.length).toBe(before + 1))
    wrapper.unmount()
  })

  it('says "already published" on a 409 and reloads', async () => {
    const { gets } = serve(appraisal(), () => json(409, { error: 'conflict', message: '该期考核已经发布，结果已冻结' }))
    const { wrapper } = await mountView(AppraisalView, {
      path: '/appraisal?period=2026-11',
      pattern: '/appraisal',
      roles: ['reviewer', 'department_head'],
      stubs: { EChart: true },
    })
    const before = gets.length
    await wrapper.find('[data-test="appraisal-publish"]').trigger('click')
    await vi.waitFor(() => expect(el('.el-message-box')).not.toBeNull())
    el<HTMLButtonElement>('.el-message-box .el-button--primary')!.click()
    await vi.waitFor(() => expect(messages()).toContain('该考核期已经发布过了'))
    await vi.waitFor(() => expect(gets.length).toBe(before + 1))
    wrapper.unmount()
  })

  it('shows who published a frozen period and offers no publish', async () => {
    serve(appraisal({ published: true, published_at: '2026-12-02T02:00:00Z', published_by: { id: 1, real_name: '系统管理员' } }))
    const { wrapper } = await mountView(AppraisalView, { path: '/appraisal?period=2026-11', pattern: '/appraisal', stubs: { EChart: true }, roles: ['admin'] })
    const status = wrapper.find('[data-test="appraisal-status"]').text()
    expect(status).toContain('已发布')
    expect(status).toContain('系统管理员 于')
    expect(status).toContain('规则版本 1')
    expect(wrapper.find('[data-test="appraisal-publish"]').exists()).toBe(false)
    wrapper.unmount()
  })
})

describe('a new category', () => {
  it('posts the key, names, points, freshness and fields, and says when the key is taken', async () => {
    let taken = true
    const { calls } = routedFetch(
      on('GET', '/categories', [BUSINESS]),
      on('POST', '/categories', (call: Call) =>
        taken ? json(409, { error: 'conflict', message: '分类已存在' }) : json(201, { name_en: '', ...(call.body as object) }),
      ),
    )
    const { wrapper } = await mountView(AdminCategories, { path: '/admin', pattern: '/admin', roles: ['admin'] })
    await wrapper.find('[data-test="category-new"]').trigger('click')
    await flushPromises()
    await wrapper.find('[data-test="category-save"]').trigger('click')
    await flushPromises()
    expect(calls.some((c) => c.method === 'POST')).toBe(false)
    await vi.waitFor(() => expect(wrapper.text()).toContain('分类键须以小写字母开头'))

    await wrapper.find('input[data-test="category-key"]').setValue('tender')
    const inputs = wrapper.findAll('input')
    await inputs[1].setValue('招投标')
    await wrapper.findAll('button').find((b) => b.text().trim() === '添加字段')!.trigger('click')
    const fieldInputs = wrapper.findAll('.el-table__body input')
    await fieldInputs[0].setValue('deadline')
    await fieldInputs[1].setValue('截止日期')
    await wrapper.find('[data-test="category-save"]').trigger('click')
    await flushPromises()
    const post = calls.find((c) => c.method === 'POST')
    expect(post?.body).toEqual({
      key: 'tender',
      name: '招投标',
      name_en: '',
      base_points: 10,
      freshness_days: 90,
      fields: [{ key: 'deadline', label: '截止日期', type: 'text', required: false, sensitive: false }],
    })
    await vi.waitFor(() => expect(wrapper.text()).toContain('已有分类使用这个键'))

    taken = false
    await wrapper.find('[data-test="category-save"]').trigger('click')
    await flushPromises()
    await vi.waitFor(() => expect(wrapper.find('.category-menu').text()).toContain('招投标'))
    expect(wrapper.find('[data-test="category-key"]').exists()).toBe(false)
    wrapper.unmount()
  })
})
