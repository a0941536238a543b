// The 系统状态 admin tab: GET /readyz (200 or 503, both a report), shaped as
// src/health/model.rs `Readiness`.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import AdminHealth from '@/views/admin/AdminHealth.vue'
import type { Readiness } from '@/types'
import { json, mountView, routedFetch } from './fixtures'

function readiness(overrides: Partial<Readiness['components']> = {}, status: Readiness['status'] = 'ready'): Readiness {
  return {
    status,
    checked_at: '2026-12-04T08:00:00Z',
    components: {
      database: { status: 'ok', backend: 'postgres', latency_ms: 0.8, error: null },
      search: { status: 'ok', state: 'ready', searchable: true, lag_rows: 0, lag_seconds: 0, last_error: null, rebuilding_since: null },
      mail: { status: 'ok', configured: true, backlog: 2, oldest_seconds: 3.5, retrying: 0, failed: 0, last_error: null },
      scheduler: { status: 'ok', enabled: true, interval_seconds: 60, last_tick_at: '2026-12-04T07:59:30Z', last_error: null, last_runs: {} },
      ...overrides,
    },
  } as Readiness
}

describe('AdminHealth', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('shows each component with its status', async () => {
    routedFetch((call) => (call.url === '/readyz' ? json(200, readiness()) : undefined))
    const { wrapper } = await mountView(AdminHealth, { path: '/admin', pattern: '/admin', roles: ['admin'] })
    await flushPromises()
    expect(wrapper.find('[data-test="health-overall"]').text()).toContain('一切正常')
    expect(wrapper.find('[data-test="health-database"]').text()).toContain('PostgreSQL')
    expect(wrapper.find('[data-test="health-mail"]').text()).toContain('2 封')
    expect(wrapper.find('[data-test="health-scheduler"]').text()).toContain('每 60 秒检查一次')
  })

  it('reads a 503 as the report it is: the failed part and its error', async () => {
    const down = readiness(
      {
        database: { status: 'failed', backend: 'postgres', latency_ms: null, error: '数据库暂时不可用，请稍后再试' },
        search: { status: 'failed', state: 'rebuilding', searchable: false, lag_rows: 12, lag_seconds: 40, last_error: 'meta.json is missing', rebuilding_since: '2026-12-04T07:58:00Z' },
      },
      'unavailable',
    )
    routedFetch((call) => (call.url === '/readyz' ? json(503, down) : undefined))
    const { wrapper } = await mountView(AdminHealth, { path: '/admin', pattern: '/admin', roles: ['admin'] })
    await flushPromises()
    expect(wrapper.find('[data-test="health-overall"]').text()).toContain('有组件故障')
    const database = wrapper.find('[data-test="health-database"]').text()
    expect(database).toContain('故障')
    expect(database).toContain('数据库暂时不可用')
    const search = wrapper.find('[data-test="health-search"]').text()
    expect(search).toContain('重建中')
    expect(search).toContain('12 条')
    expect(search).toContain('meta.json is missing')
  })
})
