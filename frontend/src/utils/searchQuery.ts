import type { LocationQuery, LocationQueryRaw } from 'vue-router'
import type { SearchQuery } from '@/api'
import type { SearchSort } from '@/types'

const SORTS: SearchSort[] = ['relevance', 'newest', 'quality']
const TEXT_KEYS = ['q', 'category', 'client_kind', 'status', 'from', 'to', 'tag'] as const

function one(value: LocationQuery[string]): string | undefined {
  const v = Array.isArray(value) ? value[0] : value
  return v ?? undefined
}

/** The search state kept in the URL, parsed. */
export function searchFromRoute(query: LocationQuery): SearchQuery {
  const out: SearchQuery = {}
  for (const key of TEXT_KEYS) {
    const v = one(query[key])
    if (v) out[key] = v
  }
  const sort = one(query.sort)
  if (sort && SORTS.includes(sort as SearchSort)) out.sort = sort as SearchSort
  const page = Number(one(query.page))
  if (Number.isInteger(page) && page > 1) out.page = page
  for (const key of ['client_id', 'author_id', 'department_id'] as const) {
    const n = Number(one(query[key]))
    if (Number.isInteger(n) && n > 0) out[key] = n
  }
  return out
}

/** The URL query for a search state; empty values are left out. */
export function searchToRoute(search: SearchQuery): LocationQueryRaw {
  const out: LocationQueryRaw = {}
  for (const [key, value] of Object.entries(search)) {
    if (value === undefined || value === null || value === '') continue
    if (key === 'page' && value === 1) continue
    if (key === 'sort' && value === 'relevance') continue
    out[key] = String(value)
  }
  return out
}
