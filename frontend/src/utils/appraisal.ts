// The arithmetic the appraisal page shows and the checks the rules editor
// makes: period keys (`2026-11`, `2026-Q4`, `2026`), the numbers of a
// person's breakdown as text, and what makes a rule set unsavable.

import {
  APPRAISAL_ACTIVITIES,
  APPRAISAL_DIMENSIONS,
  type AppraisalActivity,
  type AppraisalDimension,
  type AppraisalRules,
  type AppraisalWeightKey,
  type PersonAppraisal,
} from '@/types'

type Translate = (key: string, params?: Record<string, unknown>) => string

export type PeriodKind = 'month' | 'quarter' | 'year'
export const PERIOD_KINDS: PeriodKind[] = ['month', 'quarter', 'year']

/** How many periods of each kind the picker offers, the current one included. */
const OFFERED: Record<PeriodKind, number> = { month: 24, quarter: 8, year: 3 }
const MONTHS_IN: Record<PeriodKind, number> = { month: 1, quarter: 3, year: 12 }

/** A period: its kind, year and month (1–12) or quarter (1–4); `part` is 0 for a year. */
export interface PeriodParts {
  kind: PeriodKind
  year: number
  part: number
}

export function parsePeriod(key: string): PeriodParts | null {
  let match = /^(\d{4})-(\d{2})$/.exec(key)
  if (match && Number(match[2]) >= 1 && Number(match[2]) <= 12) return { kind: 'month', year: Number(match[1]), part: Number(match[2]) }
  match = /^(\d{4})-Q([1-4])$/.exec(key)
  if (match) return { kind: 'quarter', year: Number(match[1]), part: Number(match[2]) }
  match = /^(\d{4})$/.exec(key)
  if (match) return { kind: 'year', year: Number(match[1]), part: 0 }
  return null
}

export function periodKey({ kind, year, part }: PeriodParts): string {
  if (kind === 'month') return `${year}-${String(part).padStart(2, '0')}`
  if (kind === 'quarter') return `${year}-Q${part}`
  return String(year)
}

/** The period of `kind` holding the day `now`. */
function periodOf(kind: PeriodKind, now: Date): PeriodParts {
  const month = now.getMonth() + 1
  if (kind === 'month') return { kind, year: now.getFullYear(), part: month }
  if (kind === 'quarter') return { kind, year: now.getFullYear(), part: Math.ceil(month / 3) }
  return { kind, year: now.getFullYear(), part: 0 }
}

function previous({ kind, year, part }: PeriodParts): PeriodParts {
  if (kind === 'year') return { kind, year: year - 1, part: 0 }
  const last = kind === 'month' ? 12 : 4
  return part > 1 ? { kind, year, part: part - 1 } : { kind, year: year - 1, part: last }
}

/** The first day after the period, at local midnight. */
function dayAfter({ kind, year, part }: PeriodParts): Date {
  if (kind === 'month') return new Date(year, part, 1)
  if (kind === 'quarter') return new Date(year, part * 3, 1)
  return new Date(year + 1, 0, 1)
}

export function kindOf(key: string): PeriodKind {
  return parsePeriod(key)?.kind ?? 'month'
}

export function monthsIn(key: string): number {
  return MONTHS_IN[kindOf(key)]
}

/** Whether the period is over on `now` (only an ended period can be published). */
export function hasEnded(key: string, now: Date = new Date()): boolean {
  const parts = parsePeriod(key)
  return parts !== null && now.getTime() >= dayAfter(parts).getTime()
}

/** The last period of `kind` that is over on `now`; the page opens on the last finished month. */
export function lastFinished(kind: PeriodKind, now: Date = new Date()): string {
  return periodKey(previous(periodOf(kind, now)))
}

/**
 * The periods of `kind` the picker offers, newest first: the current one
 * (a live preview), the ones before it, and any older one in `known` (the
 * published periods, the one chosen).
 */
export function offeredPeriods(kind: PeriodKind, known: string[], now: Date = new Date()): string[] {
  const keys = new Set<string>()
  let at = periodOf(kind, now)
  for (let i = 0; i < OFFERED[kind]; i += 1) {
    keys.add(periodKey(at))
    at = previous(at)
  }
  for (const key of known) if (kindOf(key) === kind && parsePeriod(key)) keys.add(key)
  return [...keys].sort().reverse()
}

/** `2026年11月` / `Nov 2026`, `2026年第4季度` / `Q4 2026`, `2026年` / `2026`. */
export function periodLabel(key: string, t: Translate, locale: string): string {
  const parts = parsePeriod(key)
  if (!parts) return key
  const { kind, year, part } = parts
  if (kind === 'month') {
    const name = new Date(year, part - 1, 1).toLocaleDateString(locale === 'en' ? 'en-GB' : 'zh-CN', { month: 'short' })
    return t('appraisal.period.month', { year, month: part, name })
  }
  if (kind === 'quarter') return t('appraisal.period.quarter', { year, quarter: part })
  return t('appraisal.period.year', { year })
}

// The numbers of a breakdown, each with the precision the server computes it in.

/** Up to `digits` decimals, trailing zeros dropped: 0.6, 83.333, 100. */
function trimmed(value: number, digits: number): string {
  return String(Number(value.toFixed(digits)))
}

/** A volume factor (0–1, three decimals). */
export function formatVolume(volume: number): string {
  return trimmed(volume, 3)
}

/** A mean item score (0–100, three decimals); a dash when nothing was measured. */
export function formatRaw(raw: number | null | undefined): string {
  return raw === null || raw === undefined ? '—' : trimmed(raw, 3)
}

/** A sub-score (raw × volume), one decimal. */
export function formatScore(score: number): string {
  return score.toFixed(1)
}

/** A weighted sub-score, a total or a department's mean total, as the server rounds it. */
export function formatTotal(value: number, digits = 3): string {
  return value.toFixed(digits)
}

export function weightKey(activity: AppraisalActivity, dimension: AppraisalDimension): AppraisalWeightKey {
  return `${activity}_${dimension}`
}

/** The eight weighted sub-scores in the page's order, the terms of the total. */
export function weightedTerms(person: PersonAppraisal): number[] {
  return APPRAISAL_ACTIVITIES.flatMap((activity) => APPRAISAL_DIMENSIONS.map((dimension) => person.activities[activity][dimension].weighted))
}

/** `总分 = 7.500 + 4.000 + … = 62.125` in the reader's language. */
export function sumLine(person: PersonAppraisal, t: Translate): string {
  const terms = weightedTerms(person).map((term) => formatTotal(term)).join(' + ')
  return t('appraisal.breakdown.sum', { terms, total: formatTotal(person.total) })
}

/** The time limits of each time rule: full marks within the first, none from the second on. */
function timeLimits(rules: AppraisalRules): Partial<Record<AppraisalWeightKey, [number, number]>> {
  return {
    reporting_time: [rules.report_full_hours, rules.report_zero_hours],
    updating_time: [rules.update_full_days, rules.update_zero_days],
    use_time: [rules.feedback_full_days, rules.feedback_zero_days],
  }
}

/** What a sub-score's rule says, with the parameters of `rules` (those the results were computed with). */
export function ruleText(key: AppraisalWeightKey, rules: AppraisalRules, t: Translate): string {
  const limit = timeLimits(rules)[key]
  return t(`appraisal.rule.${key}`, limit ? { full: limit[0], zero: limit[1] } : {})
}

/**
 * How an activity's target was set: saving's is a number of entries kept
 * at the end of any period, the others are per month times the months.
 */
export function targetMonths(activity: AppraisalActivity, period: string): number {
  return activity === 'saving' ? 1 : monthsIn(period)
}

// Checks of the rules editor, the server's own (src/appraisal/rules.rs `problems`).

const MAX_TARGET = 10_000

export function weightsSum(weights: Record<AppraisalWeightKey, number>): number {
  return APPRAISAL_ACTIVITIES.reduce((sum, activity) => sum + APPRAISAL_DIMENSIONS.reduce((s, d) => s + (Number(weights[weightKey(activity, d)]) || 0), 0), 0)
}

/** Each full-marks limit, the limit from which an item scores 0, and the largest that is (ten years). */
export const TIME_LIMITS = [
  { name: 'report', full: 'report_full_hours', zero: 'report_zero_hours', unit: 'hours', max: 24 * 3650 },
  { name: 'update', full: 'update_full_days', zero: 'update_zero_days', unit: 'days', max: 3650 },
  { name: 'feedback', full: 'feedback_full_days', zero: 'feedback_zero_days', unit: 'days', max: 3650 },
] as const

function isWhole(value: unknown, max = Number.MAX_SAFE_INTEGER): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max
}

/** What keeps `rules` from being saved, by field path (`weights`, `targets.saving`, `report_zero_hours`, …). */
export function rulesProblems(rules: AppraisalRules, t: Translate): Record<string, string> {
  const problems: Record<string, string> = {}
  const weights = APPRAISAL_ACTIVITIES.flatMap((activity) => APPRAISAL_DIMENSIONS.map((d) => rules.weights[weightKey(activity, d)]))
  const sum = weightsSum(rules.weights)
  if (!weights.every((w) => isWhole(w, 100))) problems.weights = t('adminAppraisal.wholeNumbers', { max: 100 })
  else if (sum !== 100) problems.weights = t('adminAppraisal.weightsMustBe100', { sum })
  for (const activity of APPRAISAL_ACTIVITIES) {
    if (!isWhole(rules.targets[activity], MAX_TARGET)) problems[`targets.${activity}`] = t('adminAppraisal.wholeNumbers', { max: MAX_TARGET })
  }
  for (const { full, zero, max } of TIME_LIMITS) {
    if (!isWhole(rules[full], max)) problems[full] = t('adminAppraisal.wholeNumbers', { max })
    if (!isWhole(rules[zero], max)) problems[zero] = t('adminAppraisal.wholeNumbers', { max })
    else if (rules[zero] <= rules[full]) problems[zero] = t('adminAppraisal.zeroAfterFull')
  }
  return problems
}
