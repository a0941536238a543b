// Shaping statistics for display: time buckets, windows, durations, tariffs,
// reviewer flags and filter summaries. Pure functions, unit-tested.

import type { CollusionFlag, StatsBucket, StatsInterval } from '@/types'

/** The business time zone of every period and bucket (UTC+8). */
export const BUSINESS_TIME_ZONE = 'Asia/Shanghai'
/** A safety cap on filled buckets (ten years of weeks). */
const MAX_BUCKETS = 520

function pad(n: number): string {
  return String(n).padStart(2, '0')
}

function parseMonth(bucket: string): { year: number; month: number } | null {
  const m = /^(\d{4})-(\d{2})$/.exec(bucket)
  return m ? { year: Number(m[1]), month: Number(m[2]) } : null
}

function parseDay(bucket: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(bucket)
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : null
}

/**
 * Every bucket from `first` to `last` inclusive: months as `YYYY-MM`, weeks
 * as the Monday `YYYY-MM-DD`, as the server names them. Unparsable bounds
 * give just the bounds.
 */
export function bucketRange(first: string, last: string, interval: StatsInterval): string[] {
  const out: string[] = []
  if (interval === 'month') {
    const a = parseMonth(first)
    const b = parseMonth(last)
    if (!a || !b) return first === last ? [first] : [first, last]
    let { year, month } = a
    while ((year < b.year || (year === b.year && month <= b.month)) && out.length < MAX_BUCKETS) {
      out.push(`${year}-${pad(month)}`)
      month += 1
      if (month > 12) {
        month = 1
        year += 1
      }
    }
    return out
  }
  const a = parseDay(first)
  const b = parseDay(last)
  if (a === null || b === null) return first === last ? [first] : [first, last]
  for (let t = a; t <= b && out.length < MAX_BUCKETS; t += 7 * 86_400_000) {
    const d = new Date(t)
    out.push(`${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`)
  }
  return out
}

/**
 * The server sends only buckets with activity; a chart needs the quiet ones
 * too. Fills the gaps between the first and last bucket with zeros, in order.
 */
export function fillBuckets(series: StatsBucket[], interval: StatsInterval): StatsBucket[] {
  if (series.length === 0) return []
  const sorted = [...series].sort((x, y) => x.bucket.localeCompare(y.bucket))
  const byKey = new Map(sorted.map((b) => [b.bucket, b]))
  const range = bucketRange(sorted[0].bucket, sorted[sorted.length - 1].bucket, interval)
  const filled = range.map((bucket) => byKey.get(bucket) ?? { bucket, submitted: 0, adopted: 0, uses: 0, won: 0 })
  // Anything the range missed (an unexpected name) is kept rather than dropped.
  const seen = new Set(range)
  return [...filled, ...sorted.filter((b) => !seen.has(b.bucket))]
}

/** Rows by month (`YYYY-MM`), in order, the quiet months in between made by `quiet`. */
export function fillMonthRows<T extends { month: string }>(rows: T[], quiet: (month: string) => T): T[] {
  if (rows.length === 0) return []
  const sorted = [...rows].sort((x, y) => x.month.localeCompare(y.month))
  const byKey = new Map(sorted.map((row) => [row.month, row]))
  return bucketRange(sorted[0].month, sorted[sorted.length - 1].month, 'month').map((month) => byKey.get(month) ?? quiet(month))
}

/** Monthly counts with the quiet months in between filled with zeros. */
export function fillMonths(months: { month: string; entries: number }[]): { month: string; entries: number }[] {
  return fillMonthRows(months, (month) => ({ month, entries: 0 })).map(({ month, entries }) => ({ month, entries }))
}

/** Axis labels: weeks drop the year when every bucket shares it. */
export function bucketLabels(buckets: string[], interval: StatsInterval): string[] {
  if (interval === 'month') return buckets
  const years = new Set(buckets.map((b) => b.slice(0, 4)))
  return years.size <= 1 ? buckets.map((b) => (/^\d{4}-/.test(b) ? b.slice(5) : b)) : buckets
}

/** A UTC instant as the business-zone date `YYYY-MM-DD`. */
export function businessDate(value: string | Date): string {
  const date = typeof value === 'string' ? new Date(value) : value
  if (Number.isNaN(date.getTime())) return typeof value === 'string' ? value : ''
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: BUSINESS_TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(date)
}

/** A period window (`to` exclusive) as first and last business days, or null for all time. */
export function periodRange(from: string | null | undefined, to: string | null | undefined): { from: string; to: string } | null {
  if (!from || !to) return null
  const end = new Date(new Date(to).getTime() - 1)
  return { from: businessDate(from), to: businessDate(end) }
}

/** Hours as a readable duration: hours below two days, else days, one decimal. */
export function humanDuration(hours: number | null | undefined): { value: string; unit: 'hours' | 'days' } | null {
  if (hours === null || hours === undefined || Number.isNaN(hours)) return null
  const round = (v: number) => String(Math.round(v * 10) / 10)
  return hours < 48 ? { value: round(hours), unit: 'hours' } : { value: round(hours / 24), unit: 'days' }
}

const NUMBER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 })

/** A tariff range: `—`, one price, or `min–max`. */
export function formatTariff(min: number | null | undefined, max: number | null | undefined): string {
  const lo = min ?? max
  const hi = max ?? min
  if (lo === null || lo === undefined || hi === null || hi === undefined) return '—'
  return lo === hi ? NUMBER.format(lo) : `${NUMBER.format(lo)}–${NUMBER.format(hi)}`
}

/** How the server names a value nobody filled in, in the breakdowns it counts. */
const UNSPECIFIED_KEY = '未填写'

/** A breakdown's key as shown: a value nobody filled in reads `unspecified` (in the reader's language). */
export function keyName(key: string, unspecified: string): string {
  return key === '' || key === UNSPECIFIED_KEY ? unspecified : key
}

/** An amount (万元) with thousands separators and at most two decimals. */
export function formatAmount(value: number | null | undefined): string {
  return value === null || value === undefined || Number.isNaN(value) ? '—' : NUMBER.format(value)
}

/** A share (0–1) as a whole percentage for a progress bar (0–100). */
export function sharePercent(rate: number | null | undefined): number {
  if (rate === null || rate === undefined || Number.isNaN(rate)) return 0
  return Math.max(0, Math.min(100, Math.round(rate * 100)))
}

/** How far a flagged reviewer's adoption rate exceeds the peers', in percentage points. */
export function flagGap(flag: CollusionFlag): number {
  return Math.round((flag.adoption_rate - flag.peer_adoption_rate) * 100)
}

/** Reviewer id → how many authors they are flagged with. */
export function flagCounts(flags: CollusionFlag[]): Map<number, number> {
  const counts = new Map<number, number>()
  for (const f of flags) counts.set(f.reviewer_id, (counts.get(f.reviewer_id) ?? 0) + 1)
  return counts
}

/** The filters a search miss used: only those set, in a stable order. */
export function usedFilters(filters: Record<string, unknown> | null | undefined): { key: string; value: string }[] {
  if (!filters || typeof filters !== 'object') return []
  return Object.entries(filters)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([key, v]) => ({ key, value: typeof v === 'string' ? v : JSON.stringify(v) }))
    .sort((a, b) => a.key.localeCompare(b.key))
}

/**
 * A picked day range (`YYYY-MM-DD`, inclusive, the reader's local days) as
 * the audit log's `from` (inclusive) and `to` (exclusive) instants.
 */
export function dayRangeToInstants(range: [string, string] | null | undefined): { from?: string; to?: string } {
  if (!range || !range[0] || !range[1]) return {}
  const start = parseDay(range[0])
  const end = parseDay(range[1])
  if (start === null || end === null) return {}
  const local = (utc: number) => {
    const d = new Date(utc)
    return new Date(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())
  }
  const to = local(end)
  to.setDate(to.getDate() + 1)
  return { from: local(start).toISOString(), to: to.toISOString() }
}
