// The request each API function sends, against the backend's routes.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { configureAuth } from '@/api/client'
import { clientsApi, departmentsApi, intelApi, notificationsApi, pointsApi } from '@/api'
import { DEFAULT_RULES, contact, json, query, routedFetch, usage, type Call } from './fixtures'

describe('api functions', () => {
  let calls: Call[]

  beforeEach(() => {
    configureAuth({ getAccessToken: () => 't', onTokens: () => undefined, onSessionLost: () => undefined })
    calls = routedFetch((call) => {
      if (call.url === '/api/v1/points/rules' && call.method === 'PUT') return json(200, { version: 2, rules: call.body })
      if (call.url === '/api/v1/intel/41/usages') return json(200, [usage()])
      if (call.url.startsWith('/api/v1/notifications/read-all')) return json(204)
      if (call.url.startsWith('/api/v1/clients/9/contacts')) return json(201, contact({ id: 11 }))
      if (call.url.startsWith('/api/v1/contacts/3')) return json(200, contact({ title: '总经理' }))
      return json(200, {})
    }).calls
  })

  afterEach(() => vi.unstubAllGlobals())

  it('PUTs the Rules object itself, not wrapped in {rules}', async () => {
    const saved = await pointsApi.updateRules(DEFAULT_RULES)
    expect(calls[0]).toMatchObject({ method: 'PUT', url: '/api/v1/points/rules', body: DEFAULT_RULES })
    expect(calls[0].body).not.toHaveProperty('rules')
    expect(saved).toEqual({ version: 2, rules: DEFAULT_RULES })
  })

  it('posts adjustments and recalculation', async () => {
    await pointsApi.adjust({ user_id: 4, delta: -3, note: '重复计分' })
    await pointsApi.recalculate()
    expect(calls[0]).toMatchObject({ method: 'POST', url: '/api/v1/points/adjustments', body: { user_id: 4, delta: -3, note: '重复计分' } })
    expect(calls[1]).toMatchObject({ method: 'POST', url: '/api/v1/points/recalculate', body: undefined })
  })

  it('asks the leaderboard to exclude staff only when wanted', async () => {
    await pointsApi.leaderboard({ period: 'month', exclude_staff: true })
    await pointsApi.leaderboard({ period: 'week', department_id: 3, exclude_staff: false })
    expect(query(calls[0]).get('exclude_staff')).toBe('true')
    expect(query(calls[1]).has('exclude_staff')).toBe(false)
    expect(query(calls[1]).get('department_id')).toBe('3')
  })

  it('retracts with a comment and reads usages as a plain array', async () => {
    await intelApi.retract(41, '经核实不实')
    expect(calls[0]).toMatchObject({ method: 'POST', url: '/api/v1/intel/41/retract', body: { comment: '经核实不实' } })
    await expect(intelApi.usages(41)).resolves.toEqual([usage()])
  })

  it('marks every notification read with one call', async () => {
    await notificationsApi.markAllRead()
    expect(calls[0]).toMatchObject({ method: 'POST', url: '/api/v1/notifications/read-all' })
  })

  it('adds contacts to a client and patches them by contact id', async () => {
    await clientsApi.addContact(9, { name: '李总', is_decision_maker: true })
    await clientsApi.updateContact(3, { title: '总经理' })
    expect(calls[0]).toMatchObject({ method: 'POST', url: '/api/v1/clients/9/contacts', body: { name: '李总', is_decision_maker: true } })
    expect(calls[1]).toMatchObject({ method: 'PATCH', url: '/api/v1/contacts/3', body: { title: '总经理' } })
  })

  it('reads department ratings', async () => {
    await departmentsApi.ratings(2, 'quarter')
    expect(calls[0].url).toBe('/api/v1/departments/2/ratings?period=quarter')
  })
})

describe('creating under an Idempotency-Key', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    vi.useRealTimers()
  })

  function keyedFetch(replies: Response[]) {
    const keys: (string | undefined)[] = []
    vi.stubGlobal('fetch', vi.fn((_url: string, init: RequestInit = {}) => {
      keys.push((init.headers as Record<string, string>)['Idempotency-Key'])
      return Promise.resolve(replies.shift() ?? json(500, { error: 'internal', message: 'x' }))
    }))
    return keys
  }

  beforeEach(() => {
    configureAuth({ getAccessToken: () => 't', onTokens: () => undefined, onSessionLost: () => undefined })
  })

  it('sends a fresh key with each submission, and none with plain posts', async () => {
    const keys = keyedFetch([json(201, { id: 1 }), json(201, { id: 2 }), json(200, {})])
    await intelApi.create({ client_id: 1, category: 'business', title: 'a', source: 'public', observed_at: '2026-12-01' })
    await intelApi.create({ client_id: 1, category: 'business', title: 'b', source: 'public', observed_at: '2026-12-01' })
    await intelApi.verify(1)
    expect(keys[0]).toMatch(/^[0-9a-f]{32}$/)
    expect(keys[1]).toMatch(/^[0-9a-f]{32}$/)
    expect(keys[0]).not.toBe(keys[1])
    expect(keys[2]).toBeUndefined()
  })

  it('retries once after a 503 with the same key, waiting what Retry-After says (capped)', async () => {
    vi.useFakeTimers()
    const unavailable = new Response(JSON.stringify({ error: 'unavailable', message: '数据库暂时不可用' }), {
      status: 503,
      headers: { 'Content-Type': 'application/json', 'Retry-After': '30' },
    })
    const keys = keyedFetch([unavailable, json(201, { id: 7 })])
    const created = clientsApi.create({ kind: 'group', name: '芜湖长江' })
    await vi.advanceTimersByTimeAsync(5000)
    await expect(created).resolves.toEqual({ id: 7 })
    expect(keys).toHaveLength(2)
    expect(keys[0]).toBe(keys[1])
  })

  it('does not retry what the server refused', async () => {
    const keys = keyedFetch([json(422, { error: 'validation_failed', message: 'x', fields: { name: '必填' } })])
    await expect(departmentsApi.create('', 'frontline')).rejects.toMatchObject({ status: 422 })
    expect(keys).toHaveLength(1)
  })
})
