// usePagedList: filters and page in the URL, debounced typing, stale
// answers dropped, and the page reset when a filter changes.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import { DEBOUNCE_MS, filtersFromQuery, filtersToQuery, usePagedList, type PagedListOptions, type PageParams } from '@/composables/usePagedList'
import { ApiError } from '@/api/client'

type Row = { id: number }
const FILTERS = { q: '', kind: '', mine: false, owner_id: null as number | null }
type F = typeof FILTERS

interface Call {
  filters: F
  page: PageParams
  signal: AbortSignal
}

/** A fetcher whose answers the test releases one by one, in any order. */
function controlledFetch() {
  const calls: (Call & { answer: (rows: Row[], total?: number) => void; fail: (error: unknown) => void })[] = []
  const fetch = vi.fn(
    (filters: F, page: PageParams, signal: AbortSignal) =>
      new Promise<{ items: Row[]; total: number }>((resolve, reject) => {
        calls.push({ filters, page, signal, answer: (items, total = items.length) => resolve({ items, total }), fail: reject })
      }),
  )
  return { fetch, calls }
}

/** An answering fetcher: `total` rows in all, the page asked for. */
function fetchOf(total: number) {
  return vi.fn(async (_: F, page: PageParams) => ({
    items: Array.from({ length: Math.min(page.per_page, total - (page.page - 1) * page.per_page) }, (_, i) => ({ id: (page.page - 1) * page.per_page + i + 1 })),
    total,
  }))
}

async function open(path: string, options: Partial<PagedListOptions<F, { items: Row[]; total: number }>>) {
  let list!: ReturnType<typeof usePagedList<F, { items: Row[]; total: number }>>
  const Host = defineComponent({
    setup() {
      list = usePagedList({ filters: FILTERS, fetch: fetchOf(0), ...options })
      return () => h('div')
    },
  })
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/list', component: Host },
      { path: '/elsewhere', component: { render: () => h('div') } },
    ],
  })
  await router.push(path)
  await router.isReady()
  const wrapper = mount({ render: () => h('div', [h(Host)]) }, { global: { plugins: [router] } })
  await flushPromises()
  return { list, router, wrapper }
}

afterEach(() => {
  vi.useRealTimers()
  document.body.innerHTML = ''
})

describe('filters in the URL query', () => {
  it('reads each filter by the type of its default and leaves defaults out', () => {
    const query = { q: '话费', kind: 'group', mine: '1', owner_id: '7', junk: 'x' }
    expect(filtersFromQuery(query, FILTERS)).toEqual({ q: '话费', kind: 'group', mine: true, owner_id: 7 })
    expect(filtersFromQuery({ owner_id: 'abc', mine: '0' }, FILTERS)).toEqual({ mine: false })
    expect(filtersToQuery({ ...FILTERS, q: '话费', mine: true, owner_id: 7 }, FILTERS)).toEqual({ q: '话费', mine: '1', owner_id: '7' })
    expect(filtersToQuery(FILTERS, FILTERS)).toEqual({})
    // A string filter whose default is not empty keeps an explicit empty choice ("all").
    expect(filtersToQuery({ status: '' }, { status: 'failed' })).toEqual({ status: '' })
  })
})

describe('usePagedList', () => {
  it('loads the filters and page the URL names, and writes changes back keeping other keys', async () => {
    const fetch = fetchOf(45)
    const { list, router } = await open('/list?q=芜湖&page=2&tab=x', { fetch })
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(fetch.mock.calls[0][0]).toMatchObject({ q: '芜湖', kind: '' })
    expect(fetch.mock.calls[0][1]).toEqual({ page: 2, per_page: 20 })
    expect(list.items.map((r) => r.id)[0]).toBe(21)
    expect(list.total).toBe(45)
    expect(list.state).toBe('ready')

    list.goTo(3)
    await flushPromises()
    expect(fetch.mock.calls.at(-1)![1]).toEqual({ page: 3, per_page: 20 })
    expect(router.currentRoute.value.query).toEqual({ q: '芜湖', page: '3', tab: 'x' })

    list.setPerPage(50)
    await flushPromises()
    expect(fetch.mock.calls.at(-1)![1]).toEqual({ page: 1, per_page: 50 })
    expect(router.currentRoute.value.query).toEqual({ q: '芜湖', per_page: '50', tab: 'x' })
  })

  it('follows the URL when it changes from outside (Back, a link), without loading twice for its own writes', async () => {
    const fetch = fetchOf(100)
    const { list, router } = await open('/list', { fetch, push: true })
    list.filters.kind = 'group'
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({ kind: 'group' })
    expect(fetch).toHaveBeenCalledTimes(2)

    router.back()
    await vi.waitFor(() => expect(router.currentRoute.value.query).toEqual({}))
    await flushPromises()
    expect(list.filters.kind).toBe('')
    expect(fetch).toHaveBeenCalledTimes(3)
    expect(fetch.mock.calls.at(-1)![0].kind).toBe('')

    await router.push('/list?q=header&page=4')
    await flushPromises()
    expect(list.filters.q).toBe('header')
    expect(list.page).toBe(4)
    expect(fetch).toHaveBeenCalledTimes(4)
    expect(fetch.mock.calls.at(-1)![1].page).toBe(4)
  })

  it('waits until typing stops before loading a debounced filter; other filters apply at once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const fetch = fetchOf(5)
    const { list, router } = await open('/list', { fetch, debounced: ['q'] })
    expect(fetch).toHaveBeenCalledTimes(1)

    for (const text of ['w', 'wh', 'whc']) {
      list.filters.q = text
      await flushPromises()
      await vi.advanceTimersByTimeAsync(DEBOUNCE_MS - 100)
    }
    expect(fetch).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(100)
    await flushPromises()
    expect(fetch).toHaveBeenCalledTimes(2)
    expect(fetch.mock.calls[1][0].q).toBe('whc')
    expect(router.currentRoute.value.query).toEqual({ q: 'whc' })

    list.filters.q = 'whcj'
    list.filters.mine = true
    await flushPromises()
    expect(fetch).toHaveBeenCalledTimes(3)
    expect(fetch.mock.calls[2][0]).toMatchObject({ q: 'whcj', mine: true })
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS * 2)
    expect(fetch).toHaveBeenCalledTimes(3)

    // Typing back to what is shown needs no load.
    list.filters.q = 'whcjx'
    await flushPromises()
    list.filters.q = 'whcj'
    await flushPromises()
    await vi.advanceTimersByTimeAsync(DEBOUNCE_MS * 2)
    expect(fetch).toHaveBeenCalledTimes(3)
  })

  it('drops an answer that arrives after a newer request, and aborts the older one', async () => {
    const { fetch, calls } = controlledFetch()
    const { list } = await open('/list', { fetch })
    calls[0].answer([{ id: 1 }])
    await flushPromises()

    list.filters.kind = 'group'
    await flushPromises()
    list.filters.kind = 'individual'
    await flushPromises()
    expect(calls).toHaveLength(3)
    expect(calls[1].signal.aborted).toBe(true)
    expect(calls[2].signal.aborted).toBe(false)

    calls[2].answer([{ id: 30 }])
    await flushPromises()
    calls[1].answer([{ id: 20 }, { id: 21 }])
    await flushPromises()
    expect(list.items).toEqual([{ id: 30 }])
    expect(list.total).toBe(1)
    expect(list.loading).toBe(false)
  })

  it('goes back to page 1 when a filter changes', async () => {
    const fetch = fetchOf(200)
    const { list, router } = await open('/list?page=5', { fetch })
    expect(list.page).toBe(5)
    list.filters.kind = 'group'
    await flushPromises()
    expect(list.page).toBe(1)
    expect(fetch.mock.calls.at(-1)![1].page).toBe(1)
    expect(router.currentRoute.value.query).toEqual({ kind: 'group' })
  })

  it('reads a cleared select (undefined) as the default', async () => {
    const fetch = fetchOf(1)
    const { list } = await open('/list?kind=group', { fetch })
    ;(list.filters as Record<string, unknown>).kind = undefined
    await flushPromises()
    expect(list.filters.kind).toBe('')
    expect(fetch.mock.calls.at(-1)![0].kind).toBe('')
    expect(fetch).toHaveBeenCalledTimes(2)
  })

  it('keeps the URL alone when told to, and reports why a load failed', async () => {
    const { fetch, calls } = controlledFetch()
    const { list, router } = await open('/list?q=ignored', { fetch, url: false, showsUnavailable: true })
    expect(calls[0].filters.q).toBe('')
    calls[0].fail(new ApiError(404, 'not_found', 'no such endpoint'))
    await flushPromises()
    expect(list.state).toBe('unavailable')
    expect(document.body.querySelector('.el-message')).toBeNull()

    list.filters.q = 'x'
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({ q: 'ignored' })
    calls[1].answer([{ id: 1 }])
    await flushPromises()
    expect(list.state).toBe('ready')
  })

  it('stops loading and aborts when the view goes away', async () => {
    const { fetch, calls } = controlledFetch()
    const { wrapper } = await open('/list', { fetch })
    wrapper.unmount()
    expect(calls[0].signal.aborted).toBe(true)
  })
})
