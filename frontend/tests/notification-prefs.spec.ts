// The 通知设置 page (GET/PUT /me/notification-preferences, src/mail/routes.rs)
// and the labels, icons and links of the notification kinds.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import NotificationSettingsView from '@/views/NotificationSettingsView.vue'
import NotificationBell from '@/components/NotificationBell.vue'
import type { Delivery, Notification, NotificationPreference } from '@/types'
import { setLocale } from '@/i18n'
import { changedPreferences, draftOf, offers, preferenceErrors } from '@/utils/preferences'
import { NOTIFICATION_KINDS, isKnownKind, kindLabel, kindMeta, notificationLink } from '@/utils/notifications'
import { json, mountView, on, routedFetch } from './fixtures'

const EVENT: Delivery[] = ['immediate', 'daily', 'off']

/** The body of GET /me/notification-preferences, as src/mail/routes.rs `view` builds it. */
function preferences(overrides: Record<string, Delivery> = {}): { items: NotificationPreference[] } {
  const labels: Record<string, string> = {
    intel_adopted: '我的情报被采纳',
    intel_rejected: '我的情报未被采纳',
    intel_returned: '我的情报被退回修改',
    intel_duplicate: '我的情报被判为重复',
    intel_retracted: '我的情报被撤销',
    intel_revision_proposed: '他人提交了我的情报的修订',
    intel_revision_adopted: '我的情报的修订被采纳',
    intel_used: '我的情报被使用',
    usage_outcome: '使用结果更新',
    client_handover: '客户交接给我',
    intel_stale: '我的客户或情报已过时效',
    review_queue: '待审核情报（审核人员）',
  }
  const items: NotificationPreference[] = Object.entries(labels).map(([kind, label]) => ({
    kind: kind as NotificationPreference['kind'],
    label,
    email: overrides[kind] ?? 'immediate',
    default: 'immediate',
    choices: EVENT,
  }))
  items.push({ kind: 'weekly_digest', label: '每周回顾', email: overrides.weekly_digest ?? 'weekly', default: 'weekly', choices: ['weekly', 'off'] })
  return { items }
}

function el<T extends Element = HTMLElement>(selector: string): T | null {
  return document.body.querySelector<T>(selector)
}

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
  setLocale('zh-CN')
})

describe('preference shaping', () => {
  const items = preferences({ intel_used: 'daily' }).items

  it('drafts the current choices and sends only what changed', () => {
    const draft = draftOf(items)
    expect(draft.intel_used).toBe('daily')
    expect(draft.weekly_digest).toBe('weekly')
    expect(changedPreferences(items, draft)).toEqual({})
    expect(changedPreferences(items, { ...draft, intel_adopted: 'off', weekly_digest: 'off', intel_used: 'daily' })).toEqual({
      intel_adopted: 'off',
      weekly_digest: 'off',
    })
    // A kind the server does not list is never sent.
    expect(changedPreferences(items, { ...draft, nonsense: 'off' })).toEqual({})
  })

  it('knows which choices each kind offers', () => {
    const weekly = items.find((i) => i.kind === 'weekly_digest')!
    const adopted = items.find((i) => i.kind === 'intel_adopted')!
    expect(offers(weekly, 'weekly')).toBe(true)
    expect(offers(weekly, 'daily')).toBe(false)
    expect(offers(adopted, 'daily')).toBe(true)
    expect(offers(adopted, 'weekly')).toBe(false)
  })

  it('keys 422 problems by kind', () => {
    expect(preferenceErrors({ intel_used: '须为 immediate、daily、off 之一', 'kinds.weekly_digest': 'x' })).toEqual({
      intel_used: '须为 immediate、daily、off 之一',
      weekly_digest: 'x',
    })
  })
})

describe('notification kinds', () => {
  it('label and icon every kind the server writes, in both languages', () => {
    for (const kind of NOTIFICATION_KINDS) {
      expect(isKnownKind(kind)).toBe(true)
      expect(kindLabel(kind)).not.toBe(kind)
      expect(kindMeta(kind).icon).toBeTruthy()
    }
    expect(kindLabel('intel_adopted')).toBe('情报被采纳')
    expect(kindLabel('intel_revision_proposed')).toBe('收到修订提议')
    expect(kindLabel('weekly_digest')).toBe('每周回顾')
    setLocale('en')
    expect(kindLabel('intel_stale')).toBe('Intel out of date')
    expect(kindLabel('review_queue')).toBe('Review reminder')
  })

  it('fall back to the server label or the raw kind for unknown kinds', () => {
    expect(isKnownKind('reindexed')).toBe(false)
    expect(kindLabel('reindexed', '重建索引')).toBe('重建索引')
    expect(kindLabel('reindexed')).toBe('reindexed')
    expect(kindMeta('reindexed').tone).toBe('info')
  })

  it('lead to the entry, the client or the review queue', () => {
    const none = { intel_id: null, client_id: null }
    expect(notificationLink({ kind: 'intel_revision_proposed', intel_id: 41, client_id: 9 })).toBe('/intel/41')
    expect(notificationLink({ kind: 'intel_revision_adopted', intel_id: 42, client_id: 9 })).toBe('/intel/42')
    // A stale notice about one entry names it; about several, only the client.
    expect(notificationLink({ kind: 'intel_stale', intel_id: 41, client_id: 9 })).toBe('/intel/41')
    expect(notificationLink({ kind: 'intel_stale', intel_id: null, client_id: 9 })).toBe('/clients/9')
    expect(notificationLink({ kind: 'review_queue', ...none })).toBe('/review')
    expect(notificationLink({ kind: 'client_handover', ...none })).toBeNull()
  })

  it('show their label in the bell and open the review queue', async () => {
    const item: Notification = {
      id: 12,
      kind: 'review_queue',
      title: '有 3 条情报等待审核',
      body: '等待时间最长的：…',
      intel_id: null,
      client_id: null,
      created_at: '2026-11-28T01:00:00Z',
      read: true,
    }
    routedFetch(on('GET', '/notifications', { items: [item], total: 1, unread: 0 }))
    const { wrapper, router } = await mountView(NotificationBell, { path: '/', pattern: '/', roles: ['reviewer'] })
    await wrapper.find('[data-test="bell"]').trigger('click')
    await flushPromises()
    const entry = el('[data-test="notification"][data-kind="review_queue"]')!
    expect(entry.querySelector('[data-test="notification-kind"]')?.textContent?.trim()).toBe('待审核提醒')
    expect(entry.querySelector('[data-test="notification-kind"] svg')).not.toBeNull()
    expect(el('[data-test="bell-settings"]')?.getAttribute('href')).toBe('/settings/notifications')
    entry.click()
    await flushPromises()
    expect(router.currentRoute.value.path).toBe('/review')
    wrapper.unmount()
  })
})

describe('通知设置 page', () => {
  it('shows one row per kind with the choices it allows', async () => {
    routedFetch(on('GET', '/me/notification-preferences', preferences({ intel_used: 'daily' })))
    const { wrapper } = await mountView(NotificationSettingsView, { path: '/settings/notifications', pattern: '/settings/notifications' })
    const rows = document.body.querySelectorAll('[data-test="pref-row"]')
    expect(rows).toHaveLength(13)
    const adopted = el('[data-test="pref-row"][data-kind="intel_adopted"]')!
    expect(adopted.textContent).toContain('情报被采纳')
    expect([...adopted.querySelectorAll('.el-radio-button')].map((b) => b.textContent?.trim())).toEqual(['立即发送', '每日汇总', '不发送'])
    const weekly = el('[data-test="pref-row"][data-kind="weekly_digest"]')!
    expect([...weekly.querySelectorAll('.el-radio-button')].map((b) => b.textContent?.trim())).toEqual(['每周发送', '不发送'])
    expect(el<HTMLInputElement>('[data-test="pref-intel_used-daily"] input')?.checked).toBe(true)
    expect(el<HTMLButtonElement>('[data-test="pref-save"]')?.disabled).toBe(true)
    wrapper.unmount()
  })

  it('saves only the changed kind with PUT and shows the answer', async () => {
    const { calls } = routedFetch(
      on('GET', '/me/notification-preferences', preferences()),
      on('PUT', '/me/notification-preferences', (call) => json(200, preferences(call.body as Record<string, Delivery>))),
    )
    const { wrapper } = await mountView(NotificationSettingsView, { path: '/settings/notifications', pattern: '/settings/notifications' })
    el('[data-test="pref-intel_adopted-off"] input')!.click()
    await flushPromises()
    expect(el('[data-test="pref-row"][data-kind="intel_adopted"]')?.textContent).toContain('已修改')
    el<HTMLButtonElement>('[data-test="pref-save"]')!.click()
    await flushPromises()
    const put = calls.filter((c) => c.method === 'PUT')
    expect(put).toHaveLength(1)
    expect(put[0].body).toEqual({ intel_adopted: 'off' })
    expect(el<HTMLInputElement>('[data-test="pref-intel_adopted-off"] input')?.checked).toBe(true)
    expect(el('[data-test="pref-row"][data-kind="intel_adopted"]')?.textContent).not.toContain('已修改')
    expect(el<HTMLButtonElement>('[data-test="pref-save"]')?.disabled).toBe(true)
    wrapper.unmount()
  })

  it('shows the 422 problem on the row it concerns and keeps the draft', async () => {
    routedFetch(
      on('GET', '/me/notification-preferences', preferences()),
      on('PUT', '/me/notification-preferences', () =>
        json(422, { error: 'validation_failed', message: '校验失败', fields: { weekly_digest: '须为 weekly、off 之一' } }),
      ),
    )
    const { wrapper } = await mountView(NotificationSettingsView, { path: '/settings/notifications', pattern: '/settings/notifications' })
    el('[data-test="pref-weekly_digest-off"] input')!.click()
    await flushPromises()
    el<HTMLButtonElement>('[data-test="pref-save"]')!.click()
    await flushPromises()
    const row = el('[data-test="pref-row"][data-kind="weekly_digest"]')!
    await vi.waitFor(() => expect(row.querySelector('.el-form-item__error')?.textContent).toContain('须为 weekly、off 之一'))
    expect(el('[data-test="pref-row"][data-kind="intel_adopted"] .el-form-item__error')).toBeNull()
    expect(el<HTMLInputElement>('[data-test="pref-weekly_digest-off"] input')?.checked).toBe(true)

    // Undo returns to the server's choices and clears the problem.
    el<HTMLButtonElement>('[data-test="pref-undo"]')!.click()
    await flushPromises()
    expect(el<HTMLInputElement>('[data-test="pref-weekly_digest-weekly"] input')?.checked).toBe(true)
    // (the message may linger a moment in its leave transition, but empty)
    expect(row.querySelector('.el-form-item__error')?.textContent ?? '').toBe('')
    wrapper.unmount()
  })

  it('says so when the server has no preferences endpoint', async () => {
    routedFetch()
    const { wrapper } = await mountView(NotificationSettingsView, { path: '/settings/notifications', pattern: '/settings/notifications' })
    expect(el('[data-test="stats-unavailable"]')?.textContent).toContain('服务器暂未提供通知设置')
    wrapper.unmount()
  })
})
