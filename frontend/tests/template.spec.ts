import { describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import { mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { i18n, setLocale } from '@/i18n'
import TemplateForm from '@/components/TemplateForm.vue'
import { completeness, isDate, isPhone, normalizeValues, validateTemplate, type TemplateValues } from '@/template'
import type { TemplateField } from '@/types'

const FIELDS: TemplateField[] = [
  { key: 'decision_maker', label: '决策人', type: 'text', required: true, sensitive: false },
  { key: 'budget', label: '预算（万元）', type: 'number', required: false, sensitive: false },
  { key: 'stage', label: '阶段', type: 'enum', required: true, sensitive: false, options: ['初步接触', '方案', '招标'] },
  { key: 'mobile', label: '手机', type: 'phone', required: false, sensitive: true },
  { key: 'email', label: '邮箱', type: 'email', required: false, sensitive: false },
]

function mountForm(values: TemplateValues, serverErrors: Record<string, string> = {}) {
  return mount(TemplateForm, {
    props: { fields: FIELDS, modelValue: values, serverErrors },
    global: { plugins: [ElementPlus, i18n] },
    attachTo: document.body,
  })
}

function item(wrapper: ReturnType<typeof mountForm>, key: string) {
  return wrapper.find(`[data-field="${key}"]`)
}

// Element Plus shows a form item's error after a short debounce.
async function errorText(wrapper: ReturnType<typeof mountForm>, key: string): Promise<string> {
  await vi.waitFor(() => expect(item(wrapper, key).find('.el-form-item__error').exists()).toBe(true))
  return item(wrapper, key).find('.el-form-item__error').text()
}

describe('template rules', () => {
  it('requires required fields only when strict', () => {
    const values = { decision_maker: '', budget: null, stage: '', mobile: '', email: '' }
    expect(validateTemplate(FIELDS, values, false)).toEqual({})
    expect(validateTemplate(FIELDS, values, true)).toEqual({ decision_maker: 'required', stage: 'required' })
  })

  it('checks numbers, options, phones and e-mail', () => {
    const values = { decision_maker: '王总', budget: '十万', stage: '签约', mobile: 'abc', email: 'no-at' }
    expect(validateTemplate(FIELDS, values, true)).toEqual({
      budget: 'number',
      stage: 'option',
      mobile: 'phone',
      email: 'email',
    })
    const good = { decision_maker: '王总', budget: '12.5', stage: '方案', mobile: '13800138000', email: 'a@b.cn' }
    expect(validateTemplate(FIELDS, good, true)).toEqual({})
  })

  it('accepts phones and numbers the way the server does', () => {
    // categories/template.rs is_phone: 5–20 digits with spaces, +, - and parentheses.
    expect(isPhone('(0553) 1234-567')).toBe(true)
    expect(isPhone('+86 138 0013 8000')).toBe(true)
    expect(isPhone('1234')).toBe(false)
    expect(isPhone('123456789012345678901')).toBe(false)
    expect(isPhone('138-0013-800x')).toBe(false)
    expect(validateTemplate(FIELDS, { decision_maker: '王总', stage: '方案', budget: '1,200' }, true)).toEqual({})
    expect(normalizeValues(FIELDS, { budget: '1,200.5' })).toEqual({ budget: 1200.5 })
  })

  it('rejects dates that are not on the calendar', () => {
    expect(isDate('2026-02-28')).toBe(true)
    expect(isDate('2026-02-30')).toBe(false)
    expect(isDate('2026-2-3')).toBe(false)
  })

  it('normalizes numbers and drops blanks', () => {
    expect(normalizeValues(FIELDS, { decision_maker: ' 王总 ', budget: '12', stage: '', mobile: null, email: '' })).toEqual({
      decision_maker: '王总',
      budget: 12,
    })
  })

  it('weighs required fields double in completeness', () => {
    // Required: 2 + 2, optional: 1 + 1 + 1 → total 7; filled: decision_maker (2) + budget (1).
    expect(completeness(FIELDS, { decision_maker: '王总', budget: 3 })).toBeCloseTo(3 / 7)
  })
})

describe('TemplateForm', () => {
  it('renders an input per field with required and sensitive markers', () => {
    setLocale('zh-CN')
    const wrapper = mountForm({})
    expect(wrapper.findAll('[data-field]')).toHaveLength(FIELDS.length)
    expect(item(wrapper, 'decision_maker').classes()).toContain('is-required')
    expect(item(wrapper, 'budget').classes()).not.toContain('is-required')
    expect(item(wrapper, 'budget').find('.el-input-number').exists()).toBe(true)
    expect(item(wrapper, 'stage').find('.el-select').exists()).toBe(true)
    expect(item(wrapper, 'mobile').find('[data-sensitive]').exists()).toBe(true)
    expect(item(wrapper, 'decision_maker').find('[data-sensitive]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('offers the enum options of the template', async () => {
    const wrapper = mountForm({})
    await item(wrapper, 'stage').find('.el-select__wrapper').trigger('click')
    await nextTick()
    const options = [...document.body.querySelectorAll('.el-select-dropdown__item')].map((el) => el.textContent?.trim())
    expect(options).toEqual(['初步接触', '方案', '招标'])
    wrapper.unmount()
  })

  it('shows required problems beside the inputs on strict validation', async () => {
    setLocale('zh-CN')
    const wrapper = mountForm({ decision_maker: '', stage: '', budget: null })
    const vm = wrapper.vm as unknown as { validate: (strict: boolean) => boolean }
    expect(vm.validate(false)).toBe(true)
    expect(vm.validate(true)).toBe(false)
    await nextTick()
    expect(await errorText(wrapper, 'decision_maker')).toBe('此项必填')
    expect(await errorText(wrapper, 'stage')).toBe('此项必填')
    expect(item(wrapper, 'budget').find('.el-form-item__error').exists()).toBe(false)
    wrapper.unmount()
  })

  it('shows a number problem in English too', async () => {
    setLocale('en')
    const wrapper = mountForm({ decision_maker: 'x', stage: '方案', budget: 'abc' })
    const vm = wrapper.vm as unknown as { validate: (strict: boolean) => boolean }
    expect(vm.validate(true)).toBe(false)
    await nextTick()
    expect(await errorText(wrapper, 'budget')).toBe('Enter a number')
    setLocale('zh-CN')
    wrapper.unmount()
  })

  it('shows the server 422 fields.<key> problems beside the right input', async () => {
    const wrapper = mountForm({ decision_maker: '王总', stage: '方案' }, { budget: '预算不能为负数', stage: '阶段已停用' })
    await nextTick()
    expect(await errorText(wrapper, 'budget')).toBe('预算不能为负数')
    expect(await errorText(wrapper, 'stage')).toBe('阶段已停用')
    expect(item(wrapper, 'decision_maker').find('.el-form-item__error').exists()).toBe(false)
    wrapper.unmount()
  })
})
