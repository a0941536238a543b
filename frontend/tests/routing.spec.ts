import { describe, expect, it } from 'vitest'
import { searchFromRoute, searchToRoute } from '@/utils/searchQuery'
import { dossierTimeline } from '@/utils/dossier'
import { notificationLink } from '@/utils/notifications'
import type { Dossier, Intel } from '@/types'

describe('search state in the URL', () => {
  it('round-trips filters and drops defaults', () => {
    const state = searchFromRoute({ q: '话费', category: 'business', sort: 'newest', page: '3', client_id: '12', junk: 'x' })
    expect(state).toEqual({ q: '话费', category: 'business', sort: 'newest', page: 3, client_id: 12 })
    expect(searchToRoute({ ...state, page: 1, sort: 'relevance', status: '' })).toEqual({ q: '话费', category: 'business', client_id: '12' })
  })

  it('ignores an unknown sort and a bad page', () => {
    expect(searchFromRoute({ sort: 'random', page: 'abc' })).toEqual({})
  })
})

describe('dossier timeline', () => {
  it('merges intel, owner changes and usages newest first', () => {
    const intel = { id: 1, title: 'a', adopted_at: '2026-01-05T00:00:00Z', observed_at: '2026-01-01' } as Intel
    const dossier = {
      client: {},
      owner_history: [{ from: null, to: { id: 2, real_name: '王' }, note: '接手', changed_at: '2026-02-01T00:00:00Z' }],
      contacts: [],
      intel: [intel],
      stale_count: 0,
      usages: [{ id: 5, purpose: 'visit', outcome: 'won', note: null, created_at: '2026-01-10T00:00:00Z' }],
    } as unknown as Dossier
    expect(dossierTimeline(dossier).map((e) => e.kind)).toEqual(['owner', 'usage', 'intel'])
  })
})

describe('notification links', () => {
  it('follows only in-app links', () => {
    expect(notificationLink({ id: 1, created_at: '', link: '/intel/3' })).toBe('/intel/3')
    expect(notificationLink({ id: 1, created_at: '', link: 'https://evil.example', intel_id: 4 })).toBe('/intel/4')
    expect(notificationLink({ id: 1, created_at: '', link: '//evil.example' })).toBeNull()
  })
})
