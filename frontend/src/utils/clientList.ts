// The clients list's filters: their empty values (what the URL leaves out),
// the query they send to `GET /clients` and its export, and the table's sort
// arrows. Pure functions, unit-tested.

import {
  CLIENT_KINDS,
  CLIENT_SEGMENTS,
  CLIENT_SORTS,
  CLIENT_STATUSES,
  isOneOf,
  type ClientKind,
  type ClientListQuery,
  type ClientSegment,
  type ClientSort,
  type ClientStatus,
  type Id,
  type SortOrder,
} from '@/types'

/** The server's largest "contract ends within" window, in days. */
const MAX_CONTRACT_WINDOW = 3650
const DEFAULT_SORT: ClientSort = 'pinyin'
const DEFAULT_ORDER: SortOrder = 'asc'

/** Every filter with its empty value; `sort` and `order` travel with them in the URL. */
export const CLIENT_LIST_FILTERS = {
  q: '',
  kind: '' as ClientKind | '',
  status: '' as ClientStatus | '',
  segment: '' as ClientSegment | '',
  tier: '',
  industry: '',
  region: '',
  tag: '',
  owner: null as Id | null,
  mine: false,
  contract_end_within: null as number | null,
  sort: DEFAULT_SORT as string,
  order: DEFAULT_ORDER as string,
}
export type ClientListFilters = typeof CLIENT_LIST_FILTERS

/** Filters typed into a text box (applied once typing stops). */
export const TYPED_FILTERS: (keyof ClientListFilters)[] = ['q', 'industry', 'region']

function text(value: string): string | undefined {
  return value.trim() || undefined
}

/**
 * What `GET /clients` (and its export) is asked for. Values a URL may carry
 * that the server would reject (an unknown status) are left out; the default
 * order is not sent, so a plain list asks for the plain default.
 */
export function clientListQuery(f: ClientListFilters, me: Id | undefined): ClientListQuery {
  const sort = isOneOf(CLIENT_SORTS, f.sort) ? f.sort : DEFAULT_SORT
  const order: SortOrder = f.order === 'desc' ? 'desc' : 'asc'
  const sorted = sort !== DEFAULT_SORT || order !== DEFAULT_ORDER
  const within = f.contract_end_within
  return {
    q: text(f.q),
    kind: isOneOf(CLIENT_KINDS, f.kind) ? f.kind : undefined,
    status: isOneOf(CLIENT_STATUSES, f.status) ? f.status : undefined,
    segment: isOneOf(CLIENT_SEGMENTS, f.segment) ? f.segment : undefined,
    tier: text(f.tier),
    industry: text(f.industry),
    region: text(f.region),
    tag: text(f.tag),
    owner_id: (f.mine ? me : f.owner) ?? undefined,
    contract_end_within: within === null ? undefined : Math.min(within, MAX_CONTRACT_WINDOW),
    sort: sorted ? sort : undefined,
    order: sorted ? order : undefined,
  }
}

/** How many filters narrow the list (the search box and the order aside): the collapsed panel's badge. */
export function narrowingCount(f: ClientListFilters): number {
  const keys: (keyof ClientListFilters)[] = ['kind', 'status', 'segment', 'tier', 'industry', 'region', 'tag', 'owner', 'mine', 'contract_end_within']
  return keys.filter((key) => {
    const value = f[key]
    return typeof value === 'string' ? value.trim() !== '' : value !== null && value !== false
  }).length
}

export type TableOrder = 'ascending' | 'descending'

/** The table's sort arrow for the filters' order (the default: ascending by name, as read). */
export function tableSort(f: Pick<ClientListFilters, 'sort' | 'order'>): { prop: ClientSort; order: TableOrder } {
  const prop = isOneOf(CLIENT_SORTS, f.sort) ? f.sort : DEFAULT_SORT
  return { prop, order: f.order === 'desc' ? 'descending' : 'ascending' }
}

/** The order a click on a column header asks for; a cleared arrow returns to the default. */
export function sortOfTable(prop: string | null | undefined, order: TableOrder | null | undefined): { sort: string; order: string } {
  if (!order || !isOneOf(CLIENT_SORTS, prop)) return { sort: DEFAULT_SORT, order: DEFAULT_ORDER }
  return { sort: prop, order: order === 'descending' ? 'desc' : 'asc' }
}
