import { i18n } from '@/i18n'
import { humanDuration } from './stats'

function locale(): string {
  return i18n.global.locale.value === 'en' ? 'en-GB' : 'zh-CN'
}

export function formatDate(value: string | null | undefined): string {
  if (!value) return '—'
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) return value
  return date.toLocaleDateString(locale(), { year: 'numeric', month: '2-digit', day: '2-digit' })
}

export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '—'
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) return value
  return date.toLocaleString(locale(), {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  })
}

/** A 0–1 share as a percentage, or a dash when unknown. */
export function formatPercent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || Number.isNaN(rate)) return '—'
  return `${Math.round(rate * 1000) / 10}%`
}

export function formatScore(score: number | null | undefined): string {
  if (score === null || score === undefined || Number.isNaN(score)) return '—'
  return score.toFixed(2)
}

/** Hours as `26.3 小时` or `5.2 天` (days from two days on), or a dash when unknown. */
export function formatDuration(hours: number | null | undefined): string {
  const d = humanDuration(hours)
  return d ? i18n.global.t(`stats.unit.${d.unit}`, { count: d.value }) : '—'
}

/** Completeness may come as a share (0–1) or a percentage (0–100). */
export function completenessPercent(value: number | null | undefined): number {
  if (value === null || value === undefined || Number.isNaN(value)) return 0
  const percent = value <= 1 ? value * 100 : value
  return Math.max(0, Math.min(100, Math.round(percent)))
}

export function today(): string {
  const now = new Date()
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`
}

/** `observed_at` as `YYYY-MM-DD` for a date picker. */
export function dateOnly(value: string | null | undefined): string {
  if (!value) return ''
  return value.slice(0, 10)
}

/**
 * The label of a value the server sends as a plain string (a status, a
 * decision, a role) from the `group` of the locale, or the value itself
 * when the UI has no label for it yet.
 */
export function labelOf(group: string, value: string): string {
  const key = `${group}.${value}`
  return i18n.global.te(key) ? i18n.global.t(key) : value
}
