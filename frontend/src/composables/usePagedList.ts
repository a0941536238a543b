// One paged list: its filters, page and page size (kept in the URL query),
// the current page of items, and whether it is loading or why it failed.
// Views render it with `ListPager`.

import { computed, onBeforeUnmount, onMounted, reactive, ref, watch } from 'vue'
import { useRoute, useRouter, type LocationQuery, type LocationQueryRaw } from 'vue-router'
import { useLoad } from '@/composables/useLoad'
import type { Page } from '@/types'

export interface PageParams {
  page: number
  per_page: number
}

/**
 * A filter value. In the URL a string filter is kept as typed, a boolean as
 * `1`/`0`, and a number or null one (an id) as a positive whole number.
 */
export type FilterValue = string | number | boolean | null
export type Filters = Record<string, FilterValue>

export const PAGE_SIZES = [10, 20, 50, 100]
/** The server's largest page (API.md). */
const MAX_PER_PAGE = 100
export const DEBOUNCE_MS = 300

export interface PagedListOptions<F extends Filters, R extends Page<unknown>> {
  /** Loads one page. `signal` aborts when a newer load starts or the view goes away. */
  fetch: (filters: F, page: PageParams, signal: AbortSignal) => Promise<R>
  /** Every filter with its empty value; values equal to these stay out of the URL. */
  filters: F
  perPage?: number
  /** Filters typed into a text box: applied once typing stops for DEBOUNCE_MS. */
  debounced?: (keyof F)[]
  /** Keep filters and page in the URL query (default). Lists inside tabs that share one URL say false. */
  url?: boolean
  /** Each change is a new history entry (so Back returns to the previous search) instead of replacing it. */
  push?: boolean
  /** The view shows 'unavailable' and 'forbidden' itself (`StatsState`); only other failures are toasted. */
  showsUnavailable?: boolean
}

/** What `ListPager` needs of a list. */
export interface PagerModel {
  readonly page: number
  readonly perPage: number
  readonly total: number
  goTo(page: number): void
  setPerPage(perPage: number): void
}

function first(value: LocationQuery[string] | undefined): string | null {
  const v = Array.isArray(value) ? value[0] : value
  return v ?? null
}

function positiveInt(raw: string | null): number | null {
  return raw !== null && /^\d+$/.test(raw) && Number(raw) > 0 ? Number(raw) : null
}

/** The filters a URL query holds, read by the type of each default. */
export function filtersFromQuery<F extends Filters>(query: LocationQuery, defaults: F): Partial<F> {
  const out: Partial<Record<keyof F, FilterValue>> = {}
  for (const [key, fallback] of Object.entries(defaults) as [keyof F & string, FilterValue][]) {
    const raw = first(query[key])
    if (raw === null) continue
    if (typeof fallback === 'boolean') out[key] = raw === '1'
    else if (typeof fallback === 'string') out[key] = raw
    else {
      const id = positiveInt(raw)
      if (id !== null) out[key] = id
    }
  }
  return out as Partial<F>
}

/** The URL query of some filters; values equal to their default are left out. */
export function filtersToQuery<F extends Filters>(filters: F, defaults: F): LocationQueryRaw {
  const out: LocationQueryRaw = {}
  for (const key of Object.keys(defaults)) {
    const value = filters[key]
    if (value === defaults[key] || value === null) continue
    out[key] = typeof value === 'boolean' ? (value ? '1' : '0') : String(value)
  }
  return out
}

function changedKeys(a: Filters, b: Filters): string[] {
  return Object.keys(a).filter((key) => a[key] !== b[key])
}

export function usePagedList<F extends Filters, R extends Page<unknown>>(options: PagedListOptions<F, R>) {
  const route = useRoute()
  const router = useRouter()
  const defaults = { ...options.filters }
  const defaultPerPage = options.perPage ?? 20
  const syncUrl = options.url ?? true
  const debounced = new Set<string>((options.debounced ?? []) as string[])
  const path = route.path

  const filters = reactive({ ...defaults }) as F
  const page = ref(1)
  const perPage = ref(defaultPerPage)
  /** `data` is the last answer in full, for lists that send more than items (facets, unread counts). */
  const { data, state, loading, load, cancel } = useLoad(
    (signal) => options.fetch({ ...filters }, { page: page.value, per_page: perPage.value }, signal),
    { toastAll: !options.showsUnavailable },
  )
  const items = computed<R['items']>(() => data.value?.items ?? [])
  const total = computed(() => data.value?.total ?? 0)

  /** The filters of the page last asked for: edits that return to them need no load. */
  let committed = JSON.stringify(filters)
  /** The URL query (own keys) of the page last asked for, to tell our own navigations from others. */
  let shown = ''
  let timer: ReturnType<typeof setTimeout> | null = null

  function urlOf(at: { filters: F; page: number; perPage: number }): LocationQueryRaw {
    return {
      ...filtersToQuery(at.filters, defaults),
      page: at.page > 1 ? String(at.page) : undefined,
      per_page: at.perPage !== defaultPerPage ? String(at.perPage) : undefined,
    }
  }

  function stateOf(query: LocationQuery) {
    return {
      filters: { ...defaults, ...filtersFromQuery(query, defaults) },
      page: positiveInt(first(query.page)) ?? 1,
      perPage: Math.min(positiveInt(first(query.per_page)) ?? defaultPerPage, MAX_PER_PAGE),
    }
  }

  function applyUrl(query: LocationQuery): void {
    const next = stateOf(query)
    Object.assign(filters, next.filters)
    page.value = next.page
    perPage.value = next.perPage
    committed = JSON.stringify(filters)
    shown = JSON.stringify(urlOf(next))
  }

  function writeUrl(): void {
    const own = urlOf({ filters, page: page.value, perPage: perPage.value })
    shown = JSON.stringify(own)
    if (!syncUrl) return
    const others = Object.fromEntries(
      Object.entries(route.query).filter(([key]) => !(key in defaults) && key !== 'page' && key !== 'per_page'),
    )
    const query = { ...others, ...own }
    void (options.push ? router.push({ query }) : router.replace({ query }))
  }

  function cancelPending(): void {
    if (timer) clearTimeout(timer)
    timer = null
  }

  /** Asks for the current filters and page now, dropping a pending debounce. */
  function reload(): Promise<void> {
    cancelPending()
    committed = JSON.stringify(filters)
    writeUrl()
    return load()
  }

  function goTo(next: number): void {
    page.value = next
    void reload()
  }

  function setPerPage(next: number): void {
    perPage.value = next
    page.value = 1
    void reload()
  }

  /** Every filter back to its default. */
  function reset(): void {
    Object.assign(filters, defaults)
  }

  /** Cleared inputs answer undefined (selects) or null (date pickers): read those as the default. */
  function normalize(): boolean {
    const cleared = Object.keys(defaults).filter((key) => filters[key] === undefined || (filters[key] === null && defaults[key] !== null))
    for (const key of cleared) Object.assign(filters, { [key]: defaults[key] })
    return cleared.length > 0
  }

  watch(
    () => JSON.stringify(filters),
    (now, before) => {
      if (normalize()) return
      cancelPending()
      if (now === committed) return
      page.value = 1
      const typing = changedKeys(JSON.parse(now), JSON.parse(before)).every((key) => debounced.has(key))
      if (typing) timer = setTimeout(() => void reload(), DEBOUNCE_MS)
      else void reload()
    },
  )

  if (syncUrl) {
    applyUrl(route.query)
    // Back/forward, or a link to this page with other filters (the header search box).
    watch(
      () => route.query,
      (query) => {
        if (route.path !== path || JSON.stringify(urlOf(stateOf(query))) === shown) return
        cancelPending()
        applyUrl(query)
        void load()
      },
    )
  }

  onMounted(() => void load())
  onBeforeUnmount(() => {
    cancelPending()
    cancel()
  })

  return reactive({
    filters,
    page: computed(() => page.value),
    perPage: computed(() => perPage.value),
    items,
    total,
    data,
    loading,
    state,
    reload,
    goTo,
    setPerPage,
    reset,
  })
}
