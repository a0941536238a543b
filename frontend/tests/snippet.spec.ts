import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { safeSnippet } from '@/utils/snippet'
import SnippetView from '@/components/SnippetView.vue'

describe('snippet rendering', () => {
  it('keeps the <mark> highlights of the server', () => {
    expect(safeSnippet('新任<mark>芜湖</mark>移动<mark>集团</mark>客户')).toBe('新任<mark>芜湖</mark>移动<mark>集团</mark>客户')
  })

  it('escapes any other markup', () => {
    const html = safeSnippet('<img src=x onerror=alert(1)><mark onclick="x()">a</mark><script>bad()</script>')
    expect(html).not.toMatch(/<img|<script|<mark onclick/)
    expect(html).toContain('&lt;img')
  })

  it('renders highlights as elements and escaped text as text', () => {
    const wrapper = mount(SnippetView, { props: { snippet: '报价 &lt;b&gt; <mark>月费</mark>用户' } })
    const marks = wrapper.findAll('mark')
    expect(marks).toHaveLength(1)
    expect(marks[0].text()).toBe('月费')
    expect(wrapper.find('b').exists()).toBe(false)
    expect(wrapper.text()).toContain('<b>')
  })

  it('renders nothing for an empty snippet', () => {
    const wrapper = mount(SnippetView, { props: { snippet: null } })
    expect(wrapper.text()).toBe('')
  })
})
