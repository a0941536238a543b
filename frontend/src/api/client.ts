// A typed fetch wrapper for the Zhiku JSON API.
//
// The access token lives in memory only (the session store hands it over
// through `configureAuth`). A 401 triggers exactly one silent refresh through
// the HttpOnly refresh cookie, shared by every request that failed meanwhile,
// and the request is retried once; if that fails the session is lost.

import type { TokenResponse } from '@/types'

export type FieldErrors = Record<string, string>

/** The error body of every API failure: `{error, message, fields?}`. */
export class ApiError extends Error {
  readonly status: number
  readonly kind: string
  readonly fields: FieldErrors
  /** Seconds from a `Retry-After` header (429, 503). */
  readonly retryAfter: number | null

  constructor(status: number, kind: string, message: string, fields: FieldErrors = {}, retryAfter: number | null = null) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.kind = kind
    this.fields = fields
    this.retryAfter = retryAfter
  }

  /** The problem reported for one field path, e.g. `fields.budget` or `title`. */
  field(path: string): string | undefined {
    return this.fields[path]
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError
}

export interface AuthHooks {
  getAccessToken(): string | null
  onTokens(tokens: TokenResponse): void
  onSessionLost(): void
}

let hooks: AuthHooks = {
  getAccessToken: () => null,
  onTokens: () => undefined,
  onSessionLost: () => undefined,
}

export function configureAuth(next: AuthHooks): void {
  hooks = next
}

export const API_BASE = '/api/v1'
const REFRESH_PATH = '/auth/refresh'
// Requests whose 401 means "wrong credentials", never "token expired".
const NO_REFRESH_PATHS = ['/auth/login', REFRESH_PATH, '/auth/logout']

export type QueryValue = string | number | boolean | null | undefined
export type Query = Record<string, QueryValue | QueryValue[]>

export interface RequestOptions {
  query?: Query
  body?: unknown
  signal?: AbortSignal
  /** Sent as `Idempotency-Key`: the server answers a repeat with the first answer. */
  idempotencyKey?: string
}

/** A fresh `Idempotency-Key` (random, 32 hex digits; works outside secure contexts too). */
export function newIdempotencyKey(): string {
  const bytes = new Uint8Array(16)
  crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

/** How long a create waits before its one retry after a 503, at most. */
const RETRY_WAIT_CAP_MS = 5000

export function buildUrl(path: string, query?: Query): string {
  const params = new URLSearchParams()
  for (const [key, raw] of Object.entries(query ?? {})) {
    const values = Array.isArray(raw) ? raw : [raw]
    for (const value of values) {
      if (value === undefined || value === null || value === '') continue
      params.append(key, String(value))
    }
  }
  const qs = params.toString()
  return `${API_BASE}${path}${qs ? `?${qs}` : ''}`
}

async function toApiError(response: Response): Promise<ApiError> {
  const retryHeader = response.headers.get('retry-after')
  const retryAfter = retryHeader && /^\d+$/.test(retryHeader) ? Number(retryHeader) : null
  let body: unknown = null
  try {
    body = await response.json()
  } catch {
    body = null
  }
  if (body && typeof body === 'object' && 'error' in body) {
    const b = body as { error: unknown; message?: unknown; fields?: unknown }
    const fields = b.fields && typeof b.fields === 'object' ? (b.fields as FieldErrors) : {}
    return new ApiError(response.status, String(b.error), String(b.message ?? ''), fields, retryAfter)
  }
  return new ApiError(response.status, kindForStatus(response.status), response.statusText, {}, retryAfter)
}

function kindForStatus(status: number): string {
  switch (status) {
    case 400:
      return 'bad_request'
    case 401:
      return 'unauthorized'
    case 403:
      return 'forbidden'
    case 404:
      return 'not_found'
    case 409:
      return 'conflict'
    case 413:
      return 'payload_too_large'
    case 422:
      return 'validation_failed'
    case 408:
      return 'request_timeout'
    case 429:
      return 'rate_limited'
    case 503:
      return 'unavailable'
    default:
      return 'internal'
  }
}

async function send(method: string, url: string, options: RequestOptions, token: string | null, accept = 'application/json'): Promise<Response> {
  const headers: Record<string, string> = { Accept: accept }
  if (options.body !== undefined) headers['Content-Type'] = 'application/json'
  if (token) headers.Authorization = `Bearer ${token}`
  if (options.idempotencyKey) headers['Idempotency-Key'] = options.idempotencyKey
  try {
    return await fetch(url, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      signal: options.signal,
    })
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause
    throw new ApiError(0, 'network', cause instanceof Error ? cause.message : 'network error')
  }
}

async function parse<T>(response: Response): Promise<T> {
  if (response.status === 204) return undefined as T
  const text = await response.text()
  return (text ? JSON.parse(text) : undefined) as T
}

let refreshInFlight: Promise<TokenResponse | null> | null = null

/**
 * Exchanges the refresh cookie for new tokens. Concurrent callers share one
 * request: refresh tokens rotate on use, and presenting a spent one revokes
 * the whole session.
 */
export function refreshSession(): Promise<TokenResponse | null> {
  if (!refreshInFlight) {
    refreshInFlight = (async () => {
      try {
        const response = await fetch(`${API_BASE}${REFRESH_PATH}`, {
          method: 'POST',
          headers: { Accept: 'application/json' },
          credentials: 'same-origin',
        })
        if (!response.ok) return null
        const tokens = (await response.json()) as TokenResponse
        hooks.onTokens(tokens)
        return tokens
      } catch {
        return null
      } finally {
        refreshInFlight = null
      }
    })()
  }
  return refreshInFlight
}

/**
 * Sends a request with the bearer token; on a 401 refreshes the session once
 * (shared with every other request failing meanwhile) and retries once.
 * Answers the final response, successful or not.
 */
async function authorized(method: string, path: string, options: RequestOptions, accept?: string): Promise<Response> {
  const url = buildUrl(path, options.query)
  const tokenUsed = hooks.getAccessToken()
  let response = await send(method, url, options, tokenUsed, accept)
  if (response.status === 401 && !NO_REFRESH_PATHS.includes(path)) {
    // Another request may have refreshed while this one was in flight.
    const current = hooks.getAccessToken()
    const fresh = current && current !== tokenUsed ? current : (await refreshSession())?.access_token
    if (!fresh) {
      hooks.onSessionLost()
      return response
    }
    response = await send(method, url, options, fresh, accept)
    if (response.status === 401) {
      hooks.onSessionLost()
    }
  }
  return response
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const response = await authorized(method, path, options)
  if (!response.ok) throw await toApiError(response)
  return parse<T>(response)
}

/**
 * POSTs what one form submission creates, under a key of its own: when the
 * network fails or the server is briefly unavailable (503), it retries once
 * with the same key, so the submission is stored at most once.
 */
export async function create<T>(path: string, body?: unknown, key = newIdempotencyKey(), query?: Query): Promise<T> {
  const options: RequestOptions = { body, idempotencyKey: key, query }
  try {
    return await request<T>('POST', path, options)
  } catch (error) {
    if (!(error instanceof ApiError) || (error.status !== 0 && error.status !== 503)) throw error
    const wait = Math.min((error.retryAfter ?? 1) * 1000, RETRY_WAIT_CAP_MS)
    await new Promise((resolve) => setTimeout(resolve, wait))
    return request<T>('POST', path, options)
  }
}

/** A file the server sent as an attachment. */
export interface DownloadedFile {
  blob: Blob
  /** From `Content-Disposition` (`filename*` preferred), else `fallbackName`. */
  filename: string
}

/** The file name of a `Content-Disposition` header: `filename*=UTF-8''…` first, then `filename="…"`. */
export function filenameFromDisposition(header: string | null, fallback: string): string {
  if (!header) return fallback
  const extended = /filename\*\s*=\s*([^;]+)/i.exec(header)
  if (extended) {
    const value = extended[1].trim().replace(/^"|"$/g, '')
    const quote = value.indexOf("''")
    const encoded = quote >= 0 ? value.slice(quote + 2) : value
    try {
      const decoded = decodeURIComponent(encoded)
      if (decoded) return decoded
    } catch {
      // A malformed escape: fall back to the plain name.
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(header)
  const name = plain ? (plain[2] ?? plain[1]).trim() : ''
  return name || fallback
}

/**
 * GETs a file (an export) with the bearer token, as a blob. Failures throw
 * the same `ApiError` as JSON requests.
 */
export async function download(path: string, query: Query | undefined, fallbackName: string): Promise<DownloadedFile> {
  const response = await authorized('GET', path, { query }, '*/*')
  if (!response.ok) throw await toApiError(response)
  const blob = await response.blob()
  return { blob, filename: filenameFromDisposition(response.headers.get('content-disposition'), fallbackName) }
}

export const http = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, { query, signal }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body }),
  /** A POST that creates something (see `create`). */
  create: <T>(path: string, body?: unknown) => create<T>(path, body),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, { body }),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, { body }),
  delete: <T>(path: string) => request<T>('DELETE', path),
}
