// Shaping of the admin mail outbox (src/mail/model.rs `MailView`).
import type { Mail, MailStatus } from '@/types'
import { i18n } from '@/i18n'
import { kindLabel } from './notifications'

/** Statuses in which the sender will still try the mail at `next_attempt_at`. */
const WAITING: MailStatus[] = ['pending', 'sending']

export interface MailRow extends Mail {
  /** Only failed mail can be retried (409 otherwise). */
  canRetry: boolean
  /** When the sender tries next, or null when it will not try again by itself. */
  nextAttempt: string | null
  kindText: string
  statusText: string
  /** Tag colour of the status. */
  tone: 'success' | 'warning' | 'danger' | 'info' | 'primary'
}

const TONES: Record<MailStatus, MailRow['tone']> = {
  digest: 'info',
  digested: 'info',
  pending: 'warning',
  sending: 'primary',
  sent: 'success',
  failed: 'danger',
  suppressed: 'info',
}

export function mailStatusText(status: string): string {
  const key = `admin.mailStatus.${status}`
  return i18n.global.te(key) ? i18n.global.t(key) : status
}

export function mailRow(mail: Mail): MailRow {
  return {
    ...mail,
    canRetry: mail.status === 'failed',
    nextAttempt: WAITING.includes(mail.status) ? mail.next_attempt_at : null,
    kindText: kindLabel(mail.kind),
    statusText: mailStatusText(mail.status),
    tone: TONES[mail.status] ?? 'info',
  }
}

export function mailRows(items: Mail[]): MailRow[] {
  return items.map(mailRow)
}

/** The `?status=` filter: a status, or '' for all (the select's clear value). */
export function outboxQuery(status: MailStatus | '' | null | undefined, page: number, perPage: number) {
  return { status: status || undefined, page, per_page: perPage }
}
