import type { Notification } from '@/types'
import { i18n } from '@/i18n'

export function isUnread(item: Notification): boolean {
  if (item.read !== undefined) return !item.read
  return !item.read_at
}

export function notificationText(item: Notification): string {
  return [item.title, item.body ?? item.message].filter(Boolean).join(i18n.global.t('common.separator')) || item.kind || ''
}

/** Where a notification leads: its own link when it is an app path, else its entry or client. */
export function notificationLink(item: Notification): string | null {
  if (item.link && item.link.startsWith('/') && !item.link.startsWith('//')) return item.link
  if (item.intel_id) return `/intel/${item.intel_id}`
  if (item.client_id) return `/clients/${item.client_id}`
  return null
}
