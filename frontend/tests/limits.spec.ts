// Input length limits follow the `maxLength` of the OpenAPI document.
import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { limitAttrs, maxLengthIn, type SchemaDoc } from '@/api/limits'

const DOC: SchemaDoc = {
  schemas: {
    CreateIntel: { properties: { title: { maxLength: 200 }, body: {} } },
    Page_IntelView: {},
  },
}

describe('length limits', () => {
  it('reads maxLength of a request property, and nothing where the document has none', () => {
    expect(maxLengthIn(DOC, 'CreateIntel', 'title')).toBe(200)
    expect(maxLengthIn(DOC, 'CreateIntel', 'body')).toBeUndefined()
    expect(maxLengthIn(DOC, 'Page_IntelView', 'items')).toBeUndefined()
    expect(maxLengthIn(DOC, 'Missing', 'title')).toBeUndefined()
  })

  it('limits an input and counts its characters only when there is a limit', () => {
    const limited = mount({ template: '<el-input model-value="话费报销" v-bind="attrs" />', data: () => ({ attrs: limitAttrs(200) }) }, { global: { plugins: [ElementPlus] } })
    expect(limited.find('input').attributes('maxlength')).toBe('200')
    expect(limited.find('.el-input__count').text()).toBe('4 / 200')

    const free = mount({ template: '<el-input model-value="话费报销" v-bind="attrs" />', data: () => ({ attrs: limitAttrs(undefined) }) }, { global: { plugins: [ElementPlus] } })
    expect(free.find('input').attributes('maxlength')).toBeUndefined()
    expect(free.find('.el-input__count').exists()).toBe(false)
  })
})
