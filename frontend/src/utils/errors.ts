import { ElMessage } from 'element-plus'
import { isApiError, type FieldErrors } from '@/api/client'
import { i18n } from '@/i18n'

const KNOWN_KINDS = [
  'bad_request',
  'unauthorized',
  'invalid_credentials',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  'validation_failed',
  'rate_limited',
  'unavailable',
  'request_timeout',
  'internal',
  'network',
]

/** A sentence for the user: the kind in their language, then the server's detail. */
export function describeError(error: unknown): string {
  const t = i18n.global.t
  if (isApiError(error)) {
    const kind = KNOWN_KINDS.includes(error.kind) ? error.kind : 'internal'
    const base = t(`errors.${kind}`)
    const detail = error.message && error.message !== base && error.kind !== 'internal' ? error.message : ''
    return detail ? `${base}${t('common.separator')}${detail}` : base
  }
  return t('errors.internal')
}

export function notifyError(error: unknown): void {
  ElMessage.error({ message: describeError(error), grouping: true })
}

/** The `fields` of a 422, or an empty map for any other failure. */
export function fieldErrorsOf(error: unknown): FieldErrors {
  return isApiError(error) && error.kind === 'validation_failed' ? error.fields : {}
}

/** Template field problems keyed by template key (`fields.<key>` → `<key>`). */
export function templateErrorsOf(errors: FieldErrors): FieldErrors {
  const out: FieldErrors = {}
  for (const [path, problem] of Object.entries(errors)) {
    if (path.startsWith('fields.')) out[path.slice('fields.'.length)] = problem
  }
  return out
}

export function isStatus(error: unknown, status: number): boolean {
  return isApiError(error) && error.status === status
}
