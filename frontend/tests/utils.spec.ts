import { describe, expect, it } from 'vitest'
import { dossierTimeline } from '@/utils/dossier'
import { isUnread, notificationLink, notificationText } from '@/utils/notifications'
import type { Dossier, Notification } from '@/types'
import { dossier, intel, usage } from './fixtures'

describe('dossier timeline', () => {
  it('merges intel, owner changes and usages newest first', () => {
    const d = dossier({
      owner_history: [
        {
          from: null,
          to: { id: 2, real_name: '王' },
          changed_by: { id: 9, real_name: '管理员' },
          note: '接手',
          created_at: '2026-02-01T00:00:00Z',
        },
      ],
      intel: [intel({ id: 1, adopted_at: '2026-01-05T00:00:00Z' })],
      usages: [usage({ id: 5, intel_id: 1, created_at: '2026-01-10T00:00:00Z' })],
    })
    const events = dossierTimeline(d)
    expect(events.map((e) => e.kind)).toEqual(['owner', 'usage', 'intel'])
    expect(events[0]).toMatchObject({ from: null, to: { real_name: '王' }, by: { real_name: '管理员' }, note: '接手' })
  })

  it('names a usage by its entry title, or leaves it untitled when the entry is no longer adopted', () => {
    const d = dossier({
      intel: [intel({ id: 1, title: '在用产品' })],
      usages: [usage({ id: 5, intel_id: 1 }), usage({ id: 6, intel_id: 99 })],
    })
    const titles = dossierTimeline(d).flatMap((e) => (e.kind === 'usage' ? [e.title] : []))
    expect(titles).toEqual(['在用产品', null])
  })

  it('pages through the entries showing each other event once', () => {
    const history = [5, 15, 25].map((day) => ({
      from: null,
      to: { id: 2, real_name: '王' },
      changed_by: { id: 9, real_name: '管理员' },
      note: `第${day}日`,
      created_at: `2026-03-${String(day).padStart(2, '0')}T00:00:00Z`,
    }))
    const entry = (day: number) => intel({ id: day, adopted_at: `2026-03-${String(day).padStart(2, '0')}T12:00:00Z` })
    // Four entries, two a page: days 20 and 10 on page 1, then 8 and 1.
    const first = dossier({ owner_history: history, intel: [entry(20), entry(10)], intel_total: 4 })
    const second = dossier({ owner_history: history, intel: [entry(8), entry(1)], intel_total: 4 })
    const notes = (d: Dossier, page: number) =>
      dossierTimeline(d, { page, perPage: 2 }).flatMap((e) => (e.kind === 'owner' ? [e.note] : []))
    expect(notes(first, 1)).toEqual(['第25日', '第15日'])
    expect(notes(second, 2)).toEqual(['第5日'])
  })
})

describe('notifications', () => {
  const base: Notification = {
    id: 1,
    kind: 'intel_adopted',
    title: '你的情报已被采纳',
    body: '获得 16 积分。',
    intel_id: null,
    client_id: null,
    created_at: '2026-11-21T08:00:00Z',
    read: false,
  }

  it('leads to the entry, else the client, else nowhere', () => {
    expect(notificationLink({ ...base, intel_id: 4, client_id: 9 })).toBe('/intel/4')
    expect(notificationLink({ ...base, client_id: 9 })).toBe('/clients/9')
    expect(notificationLink(base)).toBeNull()
  })

  it('reads `read` and joins title and body', () => {
    expect(isUnread(base)).toBe(true)
    expect(isUnread({ ...base, read: true })).toBe(false)
    expect(notificationText(base)).toBe('你的情报已被采纳：获得 16 积分。')
    expect(notificationText({ ...base, title: '', body: '' })).toBe('intel_adopted')
  })
})

describe('password rule', () => {
  it('mirrors the server: 8–128 characters with a letter and a digit', async () => {
    const { passwordProblem } = await import('@/utils/password')
    expect(passwordProblem('abc123')).toBe('tooShort')
    expect(passwordProblem('abcdefgh')).toBe('weak')
    expect(passwordProblem('12345678')).toBe('weak')
    expect(passwordProblem('密码密码密码12')).toBeNull()
    expect(passwordProblem('zhiku2026')).toBeNull()
    expect(passwordProblem(`a1${'x'.repeat(127)}`)).toBe('tooLong')
  })
})
