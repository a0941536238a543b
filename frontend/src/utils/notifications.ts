import type { Notification } from '@/types'
import { i18n } from '@/i18n'

export function isUnread(item: Notification): boolean {
  return !item.read
}

/** Title and body as one line; the server writes both in Chinese. */
export function notificationText(item: Notification): string {
  return [item.title, item.body].filter(Boolean).join(i18n.global.t('common.separator')) || item.kind || ''
}

/** Where a notification leads: its entry, else its client. */
export function notificationLink(item: Pick<Notification, 'intel_id' | 'client_id'>): string | null {
  if (item.intel_id) return `/intel/${item.intel_id}`
  if (item.client_id) return `/clients/${item.client_id}`
  return null
}
