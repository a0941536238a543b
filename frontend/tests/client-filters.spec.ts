// The clients list's filters to and from the URL and the query they send,
// the table's sort arrows, a loss's rules and a cluster's matching contacts.
import { describe, expect, it } from 'vitest'
import type { LocationQuery } from 'vue-router'
import { filtersFromQuery, filtersToQuery } from '@/composables/usePagedList'
import { CLIENT_LIST_FILTERS, clientListQuery, narrowingCount, sortOfTable, tableSort, type ClientListFilters } from '@/utils/clientList'
import { closingOutcome, isOpenLoss, lossErrors } from '@/utils/loss'
import { membersWithMatches } from '@/utils/clusters'
import type { ClientLoss } from '@/types'
import { client, contact } from './fixtures'

const t = (key: string) => `<${key}>`

function filters(overrides: Partial<ClientListFilters> = {}): ClientListFilters {
  return { ...CLIENT_LIST_FILTERS, ...overrides }
}

function loss(overrides: Partial<ClientLoss> = {}): ClientLoss {
  return {
    id: 1,
    status: 'lost',
    reasons: ['competitor_offer'],
    competitor: '中国电信',
    occurred_on: '2026-11-20',
    note: '',
    recorded_by: { id: 6, real_name: '张伟' },
    recorded_at: '2026-11-20T08:00:00Z',
    closed_on: null,
    outcome: null,
    ...overrides,
  }
}

describe('client list filters in the URL', () => {
  it('leaves an unfiltered list, in the default order, out of the URL', () => {
    expect(filtersToQuery(filters(), CLIENT_LIST_FILTERS)).toEqual({})
  })

  it('writes each filter as text and reads it back by the type of its default', () => {
    const shared = filters({
      segment: 'supporter',
      industry: '物流',
      contract_end_within: 90,
      owner: 6,
      mine: true,
      sort: 'contract_end',
      order: 'desc',
    })
    const query = filtersToQuery(shared, CLIENT_LIST_FILTERS)
    expect(query).toEqual({ segment: 'supporter', industry: '物流', contract_end_within: '90', owner: '6', mine: '1', sort: 'contract_end', order: 'desc' })
    expect({ ...CLIENT_LIST_FILTERS, ...filtersFromQuery(query as LocationQuery, CLIENT_LIST_FILTERS) }).toEqual(shared)
  })

  it('ignores a window or an owner that is not a positive whole number', () => {
    const read = filtersFromQuery({ contract_end_within: 'soon', owner: '-3' } as LocationQuery, CLIENT_LIST_FILTERS)
    expect(read).toEqual({})
  })
})

describe('client list query', () => {
  it('sends nothing for an unfiltered list in the default order', () => {
    const sent = clientListQuery(filters(), 5)
    expect(Object.fromEntries(Object.entries(sent).filter(([, v]) => v !== undefined))).toEqual({})
  })

  it('sends trimmed text, the window, and my id for "mine" over a picked owner', () => {
    const sent = clientListQuery(filters({ q: ' whcj ', industry: ' 物流 ', segment: 'supporter', contract_end_within: 90, owner: 8, mine: true }), 5)
    expect(sent).toMatchObject({ q: 'whcj', industry: '物流', segment: 'supporter', contract_end_within: 90, owner_id: 5 })
    expect(clientListQuery(filters({ owner: 8 }), 5).owner_id).toBe(8)
  })

  it('drops values the server would reject and caps the window at ten years', () => {
    const sent = clientListQuery(filters({ status: 'gone' as never, segment: 'fan' as never, kind: 'x' as never, sort: 'owner', contract_end_within: 99999 }), 5)
    expect(sent.status).toBeUndefined()
    expect(sent.segment).toBeUndefined()
    expect(sent.kind).toBeUndefined()
    expect(sent.sort).toBeUndefined()
    expect(sent.contract_end_within).toBe(3650)
  })

  it('sends the order with its column, also a descending name order', () => {
    expect(clientListQuery(filters({ sort: 'contract_end' }), 5)).toMatchObject({ sort: 'contract_end', order: 'asc' })
    expect(clientListQuery(filters({ order: 'desc' }), 5)).toMatchObject({ sort: 'pinyin', order: 'desc' })
  })

  it('counts the filters that narrow the list, not the search box or the order', () => {
    expect(narrowingCount(filters({ q: 'x', sort: 'tier' }))).toBe(0)
    expect(narrowingCount(filters({ segment: 'advocate', tier: ' ', contract_end_within: 30, mine: true }))).toBe(3)
  })
})

describe('client table sort arrows', () => {
  it('shows the default as ascending by name and follows a picked column', () => {
    expect(tableSort(filters())).toEqual({ prop: 'pinyin', order: 'ascending' })
    expect(tableSort(filters({ sort: 'segment', order: 'desc' }))).toEqual({ prop: 'segment', order: 'descending' })
  })

  it('reads a header click as the order to ask for; a cleared arrow is the default', () => {
    expect(sortOfTable('contract_end', 'descending')).toEqual({ sort: 'contract_end', order: 'desc' })
    expect(sortOfTable('industry', null)).toEqual({ sort: 'pinyin', order: 'asc' })
    expect(sortOfTable('owner', 'ascending')).toEqual({ sort: 'pinyin', order: 'asc' })
  })
})

describe('losses', () => {
  it('closes an open loss as won back when lost, retained when at risk', () => {
    expect(closingOutcome(loss())).toBe('won_back')
    expect(closingOutcome(loss({ status: 'at_risk' }))).toBe('retained')
    expect(closingOutcome(loss({ outcome: 'won_back', closed_on: '2026-11-30' }))).toBeNull()
    expect(closingOutcome(null)).toBeNull()
    expect(isOpenLoss(loss({ closed_on: '2026-11-30' }))).toBe(false)
  })

  it('asks for a reason, a day, and the competitor of a competitor offer', () => {
    expect(lossErrors({ reasons: [], competitor: '', occurred_on: '' }, t)).toEqual({
      'loss.reasons': '<loss.reasonsRequired>',
      'loss.occurred_on': '<template.date>',
    })
    expect(lossErrors({ reasons: ['competitor_offer'], competitor: ' ', occurred_on: '2026-11-20' }, t)).toEqual({
      'loss.competitor': '<loss.competitorRequired>',
    })
    expect(lossErrors({ reasons: ['price', 'competitor_offer'], competitor: '中国电信', occurred_on: '2026-11-20' }, t)).toEqual({})
  })
})

describe('cluster members', () => {
  it('picks out the contacts carrying the tag and lists them first', () => {
    const member = {
      client: client(),
      contacts: [contact({ id: 1, name: '周主任' }), { ...contact({ id: 2, name: '李总' }), tags: ['高尔夫', '网球'] }],
    }
    const [shown] = membersWithMatches([member], '高尔夫')
    expect(shown.contacts.map((c) => c.name)).toEqual(['李总', '周主任'])
    expect([...shown.matching]).toEqual([2])
    expect(membersWithMatches([member], '垂钓')[0].matching.size).toBe(0)
  })
})
