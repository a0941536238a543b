import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { createRouter, createMemoryHistory } from 'vue-router'
import { connectSession, useSessionStore } from '@/stores/session'
import { request } from '@/api/client'
import type { TokenResponse, User } from '@/types'

const reviewer: User = {
  id: 3,
  employee_no: 'R003',
  real_name: '李审',
  email: 'r@example.com',
  department: { id: 1, name: '信息管理部' },
  roles: ['employee', 'reviewer'],
  points: 5,
  is_active: true,
}

const tokens: TokenResponse = {
  access_token: 'access-1',
  token_type: 'Bearer',
  expires_in: 900,
  refresh_token: 'refresh-1',
  user: reviewer,
}

function json(status: number, body?: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
}

function makeRouter() {
  const stub = { template: '<div />' }
  return createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', name: 'dashboard', component: stub },
      { path: '/my', name: 'my', component: stub },
      { path: '/login', name: 'login', component: stub },
    ],
  })
}

describe('session store', () => {
  let fetchMock: ReturnType<typeof vi.fn>

  beforeEach(() => {
    setActivePinia(createPinia())
    fetchMock = vi.fn()
    vi.stubGlobal('fetch', fetchMock)
    localStorage.clear()
    sessionStorage.clear()
  })

  afterEach(() => vi.unstubAllGlobals())

  it('logs in, keeps the token in memory only and knows the roles', async () => {
    const session = useSessionStore()
    connectSession(session, makeRouter())
    fetchMock.mockResolvedValueOnce(json(200, tokens))

    await session.login('R003', 'secret-pass')

    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit]
    expect(url).toBe('/api/v1/auth/login')
    expect(JSON.parse(init.body as string)).toEqual({ login: 'R003', password: 'secret-pass' })
    expect(session.isAuthenticated).toBe(true)
    expect(session.accessToken).toBe('access-1')
    expect(session.hasRole('reviewer')).toBe(true)
    expect(session.hasRole('admin')).toBe(false)
    expect(session.hasRole('marketer', 'reviewer')).toBe(true)
    expect(JSON.stringify({ ...localStorage })).not.toContain('access-1')
    expect(JSON.stringify({ ...sessionStorage })).not.toContain('access-1')
  })

  it('sends the access token on later requests', async () => {
    const session = useSessionStore()
    connectSession(session, makeRouter())
    session.applyTokens(tokens)
    fetchMock.mockResolvedValueOnce(json(200, reviewer))

    await request('GET', '/me')

    const init = fetchMock.mock.calls[0][1] as RequestInit
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer access-1')
  })

  it('logs out on the server and forgets the user even when that call fails', async () => {
    const session = useSessionStore()
    connectSession(session, makeRouter())
    session.applyTokens(tokens)
    fetchMock.mockResolvedValueOnce(json(500, { error: 'internal', message: '' }))

    await session.logout().catch(() => undefined)

    expect(fetchMock.mock.calls[0][0]).toBe('/api/v1/auth/logout')
    expect(session.isAuthenticated).toBe(false)
    expect(session.user).toBeNull()
  })

  it('restores the session from the refresh cookie once per page load', async () => {
    const session = useSessionStore()
    connectSession(session, makeRouter())
    fetchMock.mockResolvedValueOnce(json(200, tokens))

    const [a, b] = await Promise.all([session.restore(), session.restore()])

    expect(a && b).toBe(true)
    expect(fetchMock).toHaveBeenCalledTimes(1)
    expect(fetchMock.mock.calls[0][0]).toBe('/api/v1/auth/refresh')
    expect(session.user?.real_name).toBe('李审')
  })

  it('stays signed out when there is no valid refresh cookie', async () => {
    const session = useSessionStore()
    connectSession(session, makeRouter())
    fetchMock.mockResolvedValueOnce(json(401, { error: 'unauthorized', message: '' }))

    await expect(session.restore()).resolves.toBe(false)
    expect(session.isAuthenticated).toBe(false)
  })

  it('goes to /login with a redirect when the session is lost', async () => {
    const session = useSessionStore()
    const router = makeRouter()
    connectSession(session, router)
    await router.push('/my')
    session.applyTokens(tokens)
    fetchMock
      .mockResolvedValueOnce(json(401, { error: 'unauthorized', message: '' }))
      .mockResolvedValueOnce(json(401, { error: 'unauthorized', message: '' }))

    await request('GET', '/me').catch(() => undefined)
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('login'))

    expect(router.currentRoute.value.query.redirect).toBe('/my')
    expect(session.isAuthenticated).toBe(false)
  })
})
