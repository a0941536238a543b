// Exports: fetched with the bearer token as a blob, named from
// Content-Disposition, and saved through a temporary object URL.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { configureAuth, download, filenameFromDisposition, type ApiError } from '@/api/client'
import { statsApi } from '@/api'
import { exportName, saveBlob } from '@/utils/download'
import { json, routedFetch } from './fixtures'

// As the server sends it (src/stats/export.rs).
const DISPOSITION = `attachment; filename="export.csv"; filename*=UTF-8''%E5%85%B4%E8%B6%A3%E7%BE%A4%E4%BD%93-%E9%AB%98%E5%B0%94%E5%A4%AB.csv`

function csv(body: string, disposition = DISPOSITION): Response {
  return new Response(body, { status: 200, headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': disposition } })
}

describe('file names', () => {
  it('prefers filename* (UTF-8), then filename, then the fallback', () => {
    expect(filenameFromDisposition(DISPOSITION, 'x.csv')).toBe('兴趣群体-高尔夫.csv')
    expect(filenameFromDisposition('attachment; filename="export.xlsx"', 'x.xlsx')).toBe('export.xlsx')
    expect(filenameFromDisposition('attachment; filename=plain.csv', 'x.csv')).toBe('plain.csv')
    expect(filenameFromDisposition("attachment; filename*=UTF-8''%E0%A4%A", 'x.csv')).toBe('x.csv')
    expect(filenameFromDisposition(null, 'x.csv')).toBe('x.csv')
  })

  it('makes a safe fallback name', () => {
    expect(exportName('绩效考核 month', 'xlsx')).toBe('绩效考核-month.xlsx')
    expect(exportName('a/b:c', 'csv')).toBe('a-b-c.csv')
    expect(exportName('///', 'csv')).toBe('export.csv')
  })
})

describe('saveBlob', () => {
  afterEach(() => {
    vi.useRealTimers()
    vi.restoreAllMocks()
  })

  it('clicks a temporary download link to an object URL, then revokes it', () => {
    vi.useFakeTimers()
    const create = vi.fn(() => 'blob:zhiku/1')
    const revoke = vi.fn()
    Object.assign(URL, { createObjectURL: create, revokeObjectURL: revoke })
    const clicks: HTMLAnchorElement[] = []
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicks.push(this)
      expect(document.body.contains(this)).toBe(true)
    })
    const blob = new Blob(['a,b'], { type: 'text/csv' })
    saveBlob(blob, '兴趣群体-高尔夫.csv')
    expect(create).toHaveBeenCalledWith(blob)
    expect(clicks).toHaveLength(1)
    expect(clicks[0].download).toBe('兴趣群体-高尔夫.csv')
    expect(clicks[0].getAttribute('href')).toBe('blob:zhiku/1')
    expect(document.body.contains(clicks[0])).toBe(false)
    expect(revoke).not.toHaveBeenCalled()
    vi.runAllTimers()
    expect(revoke).toHaveBeenCalledWith('blob:zhiku/1')
  })
})

describe('export downloads', () => {
  let saved: { name: string; size: number }[]

  beforeEach(() => {
    configureAuth({ getAccessToken: () => 'tok', onTokens: () => undefined, onSessionLost: () => undefined })
    saved = []
    Object.assign(URL, { createObjectURL: () => 'blob:zhiku/2', revokeObjectURL: () => undefined })
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push({ name: this.download, size: 0 })
    })
  })

  afterEach(() => {
    vi.unstubAllGlobals()
    vi.restoreAllMocks()
  })

  it('fetches with the bearer token and saves under the server’s name', async () => {
    const { fetchMock } = routedFetch(() => csv('\uFEFF客户,类型\r\n'))
    const file = await statsApi.exportCluster('高尔夫', { kind: 'group', tier: '', region: ' ' }, 'csv')
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit]
    expect(url).toBe('/api/v1/stats/clusters/%E9%AB%98%E5%B0%94%E5%A4%AB/export?kind=group&format=csv')
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer tok')
    expect(file.filename).toBe('兴趣群体-高尔夫.csv')
    expect(await file.blob.text()).toContain('客户,类型')
    expect(saved).toEqual([{ name: '兴趣群体-高尔夫.csv', size: 0 }])
  })

  it('asks for the assessments of a period and department as xlsx', async () => {
    const { calls } = routedFetch(() => csv('x', 'attachment; filename="export.xlsx"'))
    const file = await statsApi.exportAssessments({ period: 'quarter', date: '2026-10-15', department_id: 3 }, 'xlsx')
    expect(calls[0].url).toBe('/api/v1/stats/assessments/export?period=quarter&date=2026-10-15&department_id=3&format=xlsx')
    expect(file.filename).toBe('export.xlsx')
  })

  it('throws the API error of a refused export and saves nothing', async () => {
    routedFetch(() => json(403, { error: 'forbidden', message: '绩效与审核指标仅对信息管理人员和管理员开放' }))
    const error = (await statsApi.exportAssessments({ period: 'month' }, 'csv').catch((e: unknown) => e)) as ApiError
    expect(error.status).toBe(403)
    expect(error.kind).toBe('forbidden')
    expect(saved).toEqual([])
  })

  it('refreshes an expired token once and retries the download', async () => {
    let tokens = 0
    configureAuth({
      getAccessToken: () => (tokens > 0 ? 'fresh' : 'old'),
      onTokens: () => {
        tokens += 1
      },
      onSessionLost: () => undefined,
    })
    const { calls, fetchMock } = routedFetch((call) => {
      if (call.url === '/api/v1/auth/refresh') return json(200, { access_token: 'fresh', token_type: 'Bearer', expires_in: 900, refresh_token: 'r', user: {} })
      const auth = ((fetchMock.mock.calls.at(-1) as unknown as [string, RequestInit])[1].headers as Record<string, string>).Authorization
      return auth === 'Bearer fresh' ? csv('ok') : json(401, { error: 'unauthorized', message: 'expired' })
    })
    const file = await download('/stats/clusters/x/export', { format: 'csv' }, 'x.csv')
    expect(await file.blob.text()).toBe('ok')
    expect(calls.map((c) => c.url)).toEqual([
      '/api/v1/stats/clusters/x/export?format=csv',
      '/api/v1/auth/refresh',
      '/api/v1/stats/clusters/x/export?format=csv',
    ])
  })
})
