import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import MyIntelView from '@/views/MyIntelView.vue'
import NotificationBell from '@/components/NotificationBell.vue'
import type { Notification } from '@/types'
import { BUSINESS, intel, json, mountView, on, query, routedFetch } from './fixtures'

describe('my entries', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    document.body.innerHTML = ''
  })

  it('shows the reviewer comment from last_review beside a returned entry', async () => {
    const returned = intel({
      id: 50,
      status: 'needs_revision',
      title: '在用产品情况',
      last_review: {
        decision: 'revise',
        comment: '请补充月均消费的来源',
        mean_score: null,
        reviewer: { id: 3, real_name: '李审' },
        created_at: '2026-11-21T08:00:00Z',
      },
    })
    const adopted = intel({ id: 51, title: '已采纳', last_review: { ...returned.last_review!, decision: 'adopt', comment: '' } })
    const { calls } = routedFetch(on('GET', '/categories', [BUSINESS]), on('GET', '/intel', { items: [returned, adopted], total: 2 }))
    const { wrapper } = await mountView(MyIntelView, { path: '/my', pattern: '/my' })

    const list = calls.find((c) => c.url.startsWith('/api/v1/intel?'))!
    expect(query(list).get('author_id')).toBe('1')
    const lines = wrapper.findAll('[data-test="feedback-line"]')
    expect(lines).toHaveLength(1)
    expect(lines[0].text()).toContain('退回修改')
    expect(lines[0].text()).toContain('请补充月均消费的来源')
    expect(wrapper.text()).toContain('业务状况')
    wrapper.unmount()
  })
})

describe('notification bell', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    document.body.innerHTML = ''
  })

  it('counts unread from the server and marks all read with read-all', async () => {
    const item: Notification = {
      id: 8,
      kind: 'intel_used',
      title: '孙营销使用了你的情报',
      body: '用途：visit；结果：成功。获得 12 积分。',
      intel_id: 41,
      client_id: 9,
      created_at: '2026-11-22T08:00:00Z',
      read: false,
    }
    let read = false
    const { calls } = routedFetch(
      on('GET', '/notifications', () => json(200, { items: [{ ...item, read }], total: 1, unread: read ? 0 : 1 })),
      on('POST', '/notifications/read-all', () => {
        read = true
        return json(204)
      }),
    )
    const { wrapper } = await mountView(NotificationBell, { path: '/', pattern: '/' })
    expect(wrapper.find('.el-badge__content').text()).toBe('1')

    await wrapper.find('[data-test="bell"]').trigger('click')
    await flushPromises()
    const entry = document.body.querySelector('[data-test="notification"]')
    expect(entry?.getAttribute('data-kind')).toBe('intel_used')
    expect(entry?.textContent).toContain('孙营销使用了你的情报：用途')

    document.body.querySelector<HTMLButtonElement>('[data-test="mark-all-read"]')!.click()
    await flushPromises()
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.url)).toEqual(['/api/v1/notifications/read-all'])
    await vi.waitFor(() => {
      const badge = wrapper.find('.el-badge__content')
      expect(badge.exists() && badge.isVisible()).toBe(false)
    })
    wrapper.unmount()
  })
})
