// Pure rules for category templates: empty values, client-side validation
// (mirrors the server's, which stays authoritative) and completeness.

import type { FieldValue, TemplateField } from '@/types'

export type TemplateValues = Record<string, FieldValue>
export type TemplateProblem = 'required' | 'number' | 'email' | 'phone' | 'option' | 'date'

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const DATE = /^\d{4}-\d{2}-\d{2}$/

/** The server's rule (categories/template.rs `is_phone`): 5–20 digits with optional spaces, `+`, `-` and parentheses. */
export function isPhone(text: string): boolean {
  const digits = (text.match(/\d/g) ?? []).length
  return /^[\d +\-()]*$/.test(text) && digits >= 5 && digits <= 20
}

/** A real calendar date written `YYYY-MM-DD`. */
export function isDate(text: string): boolean {
  if (!DATE.test(text)) return false
  const [y, m, d] = text.split('-').map(Number)
  const date = new Date(Date.UTC(y, m - 1, d))
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d
}

/** A number as the server parses it: thousands separators (`,`) are allowed. */
export function parseNumber(value: FieldValue): number {
  return typeof value === 'number' ? value : Number(String(value).trim().replace(/,/g, ''))
}

/** A masked sensitive value as the server sends it to readers without access. */
export const MASK = '***'

export function isMasked(value: unknown): boolean {
  return value === MASK
}

/** A stored template value as the editor holds it: text or a number; anything else as text. */
export function fieldValue(value: unknown): FieldValue {
  if (value === null || value === undefined) return null
  if (typeof value === 'string' || typeof value === 'number') return value
  return typeof value === 'object' ? JSON.stringify(value) : String(value)
}

/** An entry's template values (`Intel.fields`) for the editor. */
export function templateValues(fields: Record<string, unknown> | undefined): TemplateValues {
  return Object.fromEntries(Object.entries(fields ?? {}).map(([key, value]) => [key, fieldValue(value)]))
}

export function isBlank(value: FieldValue | undefined): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '')
}

export function emptyValues(fields: TemplateField[], existing: TemplateValues = {}): TemplateValues {
  const values: TemplateValues = {}
  for (const field of fields) {
    const current = existing[field.key]
    values[field.key] = current === undefined ? (field.type === 'number' ? null : '') : current
  }
  return values
}

/** The problem with one value, if any. Required fields are checked only when `strict`. */
export function checkField(field: TemplateField, value: FieldValue | undefined, strict: boolean): TemplateProblem | null {
  if (isBlank(value)) return strict && field.required ? 'required' : null
  const text = String(value).trim()
  switch (field.type) {
    case 'number':
      return typeof value === 'number' || (text !== '' && Number.isFinite(parseNumber(text))) ? null : 'number'
    case 'email':
      return EMAIL.test(text) ? null : 'email'
    case 'phone':
      return isPhone(text) ? null : 'phone'
    case 'date':
      return isDate(text) ? null : 'date'
    case 'enum':
      return !field.options || field.options.length === 0 || field.options.includes(text) ? null : 'option'
    default:
      return null
  }
}

/** Every problem in the form, keyed by template key. */
export function validateTemplate(
  fields: TemplateField[],
  values: TemplateValues,
  strict: boolean,
): Record<string, TemplateProblem> {
  const problems: Record<string, TemplateProblem> = {}
  for (const field of fields) {
    const problem = checkField(field, values[field.key], strict)
    if (problem) problems[field.key] = problem
  }
  return problems
}

/** The values to send: blanks dropped, numbers as numbers. */
export function normalizeValues(fields: TemplateField[], values: TemplateValues): TemplateValues {
  const out: TemplateValues = {}
  for (const field of fields) {
    const value = values[field.key]
    if (isBlank(value)) continue
    if (field.type === 'number') {
      const n = parseNumber(value)
      out[field.key] = Number.isFinite(n) ? n : String(value)
    } else {
      out[field.key] = typeof value === 'string' ? value.trim() : value
    }
  }
  return out
}

/** Share of template fields filled (0–1); required fields weigh double. */
export function completeness(fields: TemplateField[], values: TemplateValues): number {
  let total = 0
  let filled = 0
  for (const field of fields) {
    const weight = field.required ? 2 : 1
    total += weight
    if (!isBlank(values[field.key])) filled += weight
  }
  return total === 0 ? 1 : filled / total
}
