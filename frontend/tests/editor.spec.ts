import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { createPinia, setActivePinia } from 'pinia'
import { i18n, setLocale } from '@/i18n'
import IntelEditor from '@/components/IntelEditor.vue'
import type { Category, Intel } from '@/types'
import { intel } from './fixtures'

const CATEGORY: Category = {
  key: 'opportunity',
  name: '需求与商机',
  name_en: 'Need and opportunity',
  base_points: 15,
  freshness_days: 60,
  fields: [
    { key: 'need', label: '需求', type: 'text', required: true, sensitive: false },
    { key: 'budget', label: '预算', type: 'number', required: false, sensitive: true },
  ],
}

const DRAFT: Intel = intel({
  id: 41,
  client: { id: 9, name: '芜湖移动集团客户', kind: 'group' },
  category: 'opportunity',
  category_name: '需求与商机',
  title: '财务副总提到话费报销麻烦',
  fields: { need: '统一话费报销', budget: 20 },
  observed_at: '2026-03-02',
  status: 'draft',
  quality: null,
  submitted_at: null,
  adopted_at: null,
})

function disabled(wrapper: { find: (s: string) => { element: Element } }, test: string): boolean {
  return (wrapper.find(`[data-test="${test}"] input`).element as HTMLInputElement).disabled
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
}

describe('IntelEditor', () => {
  let fetchMock: ReturnType<typeof vi.fn>

  beforeEach(() => {
    setActivePinia(createPinia())
    setLocale('zh-CN')
    fetchMock = vi.fn((url: string) =>
      Promise.resolve(url.startsWith('/api/v1/categories') ? json(200, [CATEGORY]) : json(404, { error: 'not_found', message: '' })),
    )
    vi.stubGlobal('fetch', fetchMock)
  })

  afterEach(() => vi.unstubAllGlobals())

  it('resubmits with submit:true and shows the server 422 fields.<key> problem beside the template input', async () => {
    const wrapper = mount(IntelEditor, {
      props: { mode: 'edit', intel: DRAFT },
      global: { plugins: [ElementPlus, i18n] },
      attachTo: document.body,
    })
    await flushPromises()
    expect(wrapper.find('[data-field="budget"]').exists()).toBe(true)

    fetchMock.mockImplementationOnce(() =>
      Promise.resolve(json(422, { error: 'validation_failed', message: '校验失败', fields: { 'fields.budget': '预算不能超过 10000' } })),
    )
    const submit = wrapper.findAll('button').find((b) => b.text() === '重新提交审核')
    expect(submit).toBeDefined()
    await submit!.trigger('click')
    await flushPromises()

    const [url, init] = fetchMock.mock.calls.at(-1) as [string, RequestInit]
    expect(url).toBe('/api/v1/intel/41')
    expect(init.method).toBe('PUT')
    const body = JSON.parse(init.body as string)
    expect(body).toMatchObject({ submit: true, client_id: 9, category: 'opportunity', fields: { need: '统一话费报销', budget: 20 } })
    expect(body).not.toHaveProperty('author_id')

    await vi.waitFor(() => expect(wrapper.find('[data-field="budget"] .el-form-item__error').exists()).toBe(true))
    expect(wrapper.find('[data-field="budget"] .el-form-item__error').text()).toBe('预算不能超过 10000')
    wrapper.unmount()
  })

  it('blocks submitting while a required template field is empty, but saves a draft', async () => {
    const wrapper = mount(IntelEditor, {
      props: { mode: 'edit', intel: { ...DRAFT, fields: {} } },
      global: { plugins: [ElementPlus, i18n] },
      attachTo: document.body,
    })
    await flushPromises()
    const calls = fetchMock.mock.calls.length

    await wrapper.findAll('button').find((b) => b.text() === '重新提交审核')!.trigger('click')
    await flushPromises()
    expect(fetchMock.mock.calls.length).toBe(calls)
    await vi.waitFor(() => expect(wrapper.find('[data-field="need"] .el-form-item__error').exists()).toBe(true))

    fetchMock.mockImplementationOnce(() => Promise.resolve(json(200, { ...DRAFT, fields: {} })))
    await wrapper.findAll('button').find((b) => b.text() === '保存草稿')!.trigger('click')
    await flushPromises()
    const [, init] = fetchMock.mock.calls.at(-1) as [string, RequestInit]
    expect(JSON.parse(init.body as string).submit).toBe(false)
    expect(wrapper.emitted('done')).toHaveLength(1)
    wrapper.unmount()
  })

  it('shows client and category read-only for a returned revision, and leaves its clients as they are', async () => {
    const returned = { ...DRAFT, id: 42, status: 'needs_revision', supersedes_id: 41, revision: 2 } as Intel
    const wrapper = mount(IntelEditor, {
      props: { mode: 'edit', intel: returned },
      global: { plugins: [ElementPlus, i18n] },
      attachTo: document.body,
    })
    await flushPromises()
    expect(disabled(wrapper, 'client-picker')).toBe(true)
    expect(disabled(wrapper, 'category-select')).toBe(true)
    expect(wrapper.find('[data-test="subject-hint"]').text()).toBe('修订与原条目属于同一客户和类别，二者不可更改')

    fetchMock.mockImplementationOnce(() => Promise.resolve(json(200, { ...returned, status: 'submitted' })))
    await wrapper.findAll('button').find((b) => b.text() === '重新提交审核')!.trigger('click')
    await flushPromises()
    const [url, init] = fetchMock.mock.calls.at(-1) as [string, RequestInit]
    expect(url).toBe('/api/v1/intel/42')
    const body = JSON.parse(init.body as string)
    expect(body).toMatchObject({ submit: true, category: 'opportunity' })
    expect(body).not.toHaveProperty('client_id')
    expect(body).not.toHaveProperty('client_ids')
    wrapper.unmount()
  })

  it('lets a returned first version change its client', async () => {
    const wrapper = mount(IntelEditor, {
      props: { mode: 'edit', intel: { ...DRAFT, status: 'needs_revision' } },
      global: { plugins: [ElementPlus, i18n] },
      attachTo: document.body,
    })
    await flushPromises()
    expect(disabled(wrapper, 'client-picker')).toBe(false)
    expect(wrapper.find('[data-test="subject-hint"]').exists()).toBe(false)
    wrapper.unmount()
  })
})
