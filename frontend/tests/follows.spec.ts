import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import FollowsView from '@/views/FollowsView.vue'
import { sameFollowValue } from '@/composables/useFollows'
import { json, mountView, on, routedFetch, type Call } from './fixtures'
import { follow } from './loop-fixtures'

function el<T extends Element = HTMLElement>(selector: string): T | null {
  return document.body.querySelector<T>(selector)
}

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

async function openFollows(existing = [follow(), follow({ id: 2, target: 'client', value: '9', label: '芜湖长江实业集团有限公司', delivery: 'daily' })], conflict = false) {
  const { calls } = routedFetch(
    on('GET', '/follows', existing),
    on('POST', '/follows', (call: Call) => {
      if (conflict) return json(409, { error: 'conflict', message: 'already followed' })
      const body = call.body as { target: string; value: string; delivery: string }
      return json(201, follow({ id: 3, target: body.target as never, value: body.value, label: body.value, delivery: body.delivery as never, created_at: '2026-12-01T08:00:00Z' }))
    }),
    on('DELETE', '/follows/1', () => new Response(null, { status: 204 })),
  )
  const mounted = await mountView(FollowsView, { path: '/follows', pattern: '/follows' })
  return { ...mounted, calls }
}

describe('following', () => {
  it('compares followed text without case or surrounding spaces', () => {
    expect(sameFollowValue(' 高尔夫 ', '高尔夫')).toBe(true)
    expect(sameFollowValue('Golf', 'golf')).toBe(true)
    expect(sameFollowValue('中国电信', '中国联通')).toBe(false)
  })

  it('lists what I follow with its kind, mail delivery and a link for a client', async () => {
    const { wrapper } = await openFollows()
    const rows = wrapper.findAll('[data-test="follow"]')
    expect(rows).toHaveLength(2)
    const client = rows.find((r) => r.text().includes('芜湖长江实业集团有限公司'))!
    expect(client.text()).toContain('客户')
    expect(client.text()).toContain('每日汇总')
    expect(client.find('a[href="/clients/9"]').exists()).toBe(true)
    const competitor = rows.find((r) => r.text().includes('中国电信'))!
    expect(competitor.text()).toContain('竞争对手')
    expect(competitor.text()).toContain('立即发送')
    wrapper.unmount()
  })

  it('follows a competitor picked from the list, or another typed by name, with the delivery chosen', async () => {
    const { wrapper, calls } = await openFollows([])
    expect(wrapper.text()).toContain('还没有关注任何内容')
    await wrapper.find('[data-test="follow-add"]').trigger('click')
    await flushPromises()
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ target: 'competitor', value: '中国电信', delivery: 'immediate' })
    await vi.waitFor(() => expect(wrapper.findAll('[data-test="follow"]')).toHaveLength(1))

    // 其他: the name is typed.
    const vm = wrapper.findComponent({ name: 'ElSelect' })
    vm.vm.$emit('update:modelValue', 'other')
    await flushPromises()
    const input = el<HTMLInputElement>('input[data-test="follow-value"]')!
    input.value = ' 中国铁塔 '
    input.dispatchEvent(new Event('input'))
    await flushPromises()
    await wrapper.find('[data-test="follow-add"]').trigger('click')
    await flushPromises()
    expect(calls.filter((c) => c.method === 'POST')[1].body).toEqual({ target: 'competitor', value: '中国铁塔', delivery: 'immediate' })
    wrapper.unmount()
  })

  it('requires a value for a tag, and reads 409 as already followed', async () => {
    const { wrapper, calls } = await openFollows([], true)
    const tag = [...document.body.querySelectorAll<HTMLInputElement>('[data-test="follow-target"] input')].find((i) => i.value === 'tag')!
    tag.click()
    await flushPromises()
    await wrapper.find('[data-test="follow-add"]').trigger('click')
    await flushPromises()
    expect(calls.some((c) => c.method === 'POST')).toBe(false)
    expect(wrapper.find('.el-form-item.is-error').exists()).toBe(true)

    const input = el<HTMLInputElement>('input[data-test="follow-value"]')!
    input.value = '高尔夫'
    input.dispatchEvent(new Event('input'))
    await flushPromises()
    await wrapper.find('[data-test="follow-add"]').trigger('click')
    await flushPromises()
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ target: 'tag', value: '高尔夫', delivery: 'immediate' })
    await vi.waitFor(() => expect(document.body.textContent).toContain('已经关注过了'))
    // The list is reloaded to show what the server holds.
    expect(calls.filter((c) => c.method === 'GET' && c.url === '/api/v1/follows')).toHaveLength(2)
    wrapper.unmount()
  })

  it('unfollows only after confirmation', async () => {
    const { wrapper, calls } = await openFollows()
    const row = wrapper.findAll('[data-test="follow"]').find((r) => r.text().includes('中国电信'))!
    await row.find('[data-test="unfollow"]').trigger('click')
    await vi.waitFor(() => expect(el('.el-message-box')).not.toBeNull())
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false)
    el<HTMLButtonElement>('.el-message-box .el-button--primary')!.click()
    await flushPromises()
    expect(calls.some((c) => c.method === 'DELETE' && c.url === '/api/v1/follows/1')).toBe(true)
    await vi.waitFor(() => expect(wrapper.findAll('[data-test="follow"]')).toHaveLength(1))
    wrapper.unmount()
  })
})
