import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiError, buildUrl, configureAuth, request } from '@/api/client'
import type { TokenResponse, User } from '@/types'

const user: User = {
  id: 7,
  employee_no: 'E007',
  real_name: '张三',
  email: 'z@example.com',
  department: null,
  roles: ['employee'],
  points: 12,
  is_active: true,
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  })
}

function tokens(access: string): TokenResponse {
  return { access_token: access, token_type: 'Bearer', expires_in: 900, refresh_token: 'r', user }
}

function authHeader(call: unknown[]): string | undefined {
  const init = call[1] as RequestInit
  return (init.headers as Record<string, string>).Authorization
}

describe('api client', () => {
  let token: string | null
  let lost: ReturnType<typeof vi.fn<() => void>>
  let fetchMock: ReturnType<typeof vi.fn>

  beforeEach(() => {
    token = 'old'
    lost = vi.fn()
    configureAuth({
      getAccessToken: () => token,
      onTokens: (t) => {
        token = t.access_token
      },
      onSessionLost: () => {
        token = null
        lost()
      },
    })
    fetchMock = vi.fn()
    vi.stubGlobal('fetch', fetchMock)
  })

  afterEach(() => {
    vi.unstubAllGlobals()
  })

  it('sends the bearer token and parses JSON', async () => {
    fetchMock.mockResolvedValueOnce(json(200, { id: 1 }))
    await expect(request('GET', '/me')).resolves.toEqual({ id: 1 })
    expect(fetchMock.mock.calls[0][0]).toBe('/api/v1/me')
    expect(authHeader(fetchMock.mock.calls[0])).toBe('Bearer old')
  })

  it('refreshes once on 401 through the cookie and retries with the new token', async () => {
    fetchMock
      .mockResolvedValueOnce(json(401, { error: 'unauthorized', message: 'expired' }))
      .mockResolvedValueOnce(json(200, tokens('new')))
      .mockResolvedValueOnce(json(200, { ok: true }))

    await expect(request('GET', '/intel/1')).resolves.toEqual({ ok: true })

    expect(fetchMock).toHaveBeenCalledTimes(3)
    const [refreshUrl, refreshInit] = fetchMock.mock.calls[1] as [string, RequestInit]
    expect(refreshUrl).toBe('/api/v1/auth/refresh')
    expect(refreshInit.method).toBe('POST')
    expect(refreshInit.credentials).toBe('same-origin')
    expect(authHeader(fetchMock.mock.calls[2])).toBe('Bearer new')
    expect(token).toBe('new')
    expect(lost).not.toHaveBeenCalled()
  })

  it('gives up and reports a lost session when the refresh fails', async () => {
    fetchMock
      .mockResolvedValueOnce(json(401, { error: 'unauthorized', message: 'expired' }))
      .mockResolvedValueOnce(json(401, { error: 'unauthorized', message: 'revoked' }))

    const error = await request('GET', '/me').catch((e: unknown) => e)

    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).status).toBe(401)
    expect(fetchMock).toHaveBeenCalledTimes(2)
    expect(lost).toHaveBeenCalledTimes(1)
  })

  it('does not refresh again when the retried request is still unauthorized', async () => {
    fetchMock
      .mockResolvedValueOnce(json(401, { error: 'unauthorized', message: '' }))
      .mockResolvedValueOnce(json(200, tokens('new')))
      .mockResolvedValueOnce(json(401, { error: 'unauthorized', message: '' }))

    await expect(request('GET', '/me')).rejects.toBeInstanceOf(ApiError)
    expect(fetchMock).toHaveBeenCalledTimes(3)
    expect(lost).toHaveBeenCalledTimes(1)
  })

  it('shares one refresh between concurrent 401s', async () => {
    let releaseRefresh: (r: Response) => void = () => undefined
    fetchMock.mockImplementation((url: string, init: RequestInit) => {
      if (url === '/api/v1/auth/refresh') return new Promise<Response>((resolve) => (releaseRefresh = resolve))
      const auth = (init.headers as Record<string, string>).Authorization
      return Promise.resolve(auth === 'Bearer new' ? json(200, { url }) : json(401, { error: 'unauthorized', message: '' }))
    })

    const both = Promise.all([request('GET', '/a'), request('GET', '/b')])
    await vi.waitFor(() => expect(fetchMock.mock.calls.filter((c) => c[0] === '/api/v1/auth/refresh')).toHaveLength(1))
    releaseRefresh(json(200, tokens('new')))

    await expect(both).resolves.toEqual([{ url: '/api/v1/a' }, { url: '/api/v1/b' }])
    expect(fetchMock.mock.calls.filter((c) => c[0] === '/api/v1/auth/refresh')).toHaveLength(1)
  })

  it('never refreshes on a failed login', async () => {
    fetchMock.mockResolvedValueOnce(json(401, { error: 'invalid_credentials', message: '登录名或密码错误' }))
    const error = (await request('POST', '/auth/login', { body: { login: 'x', password: 'y' } }).catch((e: unknown) => e)) as ApiError
    expect(error.kind).toBe('invalid_credentials')
    expect(fetchMock).toHaveBeenCalledTimes(1)
    expect(lost).not.toHaveBeenCalled()
  })

  it('exposes validation fields and Retry-After', async () => {
    fetchMock.mockResolvedValueOnce(
      json(422, { error: 'validation_failed', message: 'bad', fields: { 'fields.budget': '必须是数字' } }),
    )
    const invalid = (await request('POST', '/intel', { body: {} }).catch((e: unknown) => e)) as ApiError
    expect(invalid.kind).toBe('validation_failed')
    expect(invalid.field('fields.budget')).toBe('必须是数字')

    fetchMock.mockResolvedValueOnce(json(429, { error: 'rate_limited', message: 'slow down' }, { 'retry-after': '30' }))
    const limited = (await request('GET', '/me').catch((e: unknown) => e)) as ApiError
    expect(limited.kind).toBe('rate_limited')
    expect(limited.retryAfter).toBe(30)
  })

  it('maps a non-JSON failure to a kind by status and a network failure to "network"', async () => {
    fetchMock.mockResolvedValueOnce(new Response('gateway', { status: 404 }))
    await expect(request('GET', '/stats/overview')).rejects.toMatchObject({ status: 404, kind: 'not_found' })

    fetchMock.mockRejectedValueOnce(new TypeError('Failed to fetch'))
    await expect(request('GET', '/me')).rejects.toMatchObject({ status: 0, kind: 'network' })
  })

  it('returns undefined for 204', async () => {
    fetchMock.mockResolvedValueOnce(new Response(null, { status: 204 }))
    await expect(request('POST', '/auth/logout')).resolves.toBeUndefined()
  })

  it('builds query strings without empty values', () => {
    expect(buildUrl('/search', { q: '芜湖 移动', status: '', page: 2, client_id: undefined })).toBe(
      '/api/v1/search?q=%E8%8A%9C%E6%B9%96+%E7%A7%BB%E5%8A%A8&page=2',
    )
  })
})
