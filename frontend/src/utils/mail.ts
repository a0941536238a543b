// Shaping of the admin mail outbox (src/mail/model.rs `MailView`).
import { MAIL_STATUSES, isOneOf, type Mail, type MailStatus } from '@/types'
import { labelOf } from './format'
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
  return labelOf('admin.mailStatus', status)
}

export function mailRow(mail: Mail): MailRow {
  return {
    ...mail,
    canRetry: mail.status === 'failed',
    nextAttempt: isOneOf(WAITING, mail.status) ? mail.next_attempt_at : null,
    kindText: kindLabel(mail.kind),
    statusText: mailStatusText(mail.status),
    tone: isOneOf(MAIL_STATUSES, mail.status) ? TONES[mail.status] : 'info',
  }
}

export function mailRows(items: Mail[]): MailRow[] {
  return items.map(mailRow)
}
