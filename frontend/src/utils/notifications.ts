import type { Component } from 'vue'
import {
  AlarmClock,
  Bell,
  Calendar,
  CircleCheck,
  CircleClose,
  CopyDocument,
  EditPen,
  Finished,
  Pointer,
  RefreshLeft,
  Remove,
  Star,
  Tickets,
  Timer,
  List,
  Upload,
  Stamp,
  Switch,
  Trophy,
} from '@element-plus/icons-vue'
import type { Notification, NotificationKind } from '@/types'
import { i18n } from '@/i18n'

export function isUnread(item: Notification): boolean {
  return !item.read
}

/** Title and body as one line; the server writes both in Chinese. */
export function notificationText(item: Notification): string {
  return [item.title, item.body].filter(Boolean).join(i18n.global.t('common.separator')) || item.kind || ''
}

/**
 * Where a notification leads: the review queue for a reviewer's reminder, the
 * agenda for a due task, else its entry, else its client.
 */
export function notificationLink(item: Pick<Notification, 'kind' | 'intel_id' | 'client_id'>): string | null {
  if (item.kind === 'review_queue') return '/review'
  if (item.kind === 'task_due' || item.kind === 'task_assigned') return '/agenda'
  if (item.intel_id) return `/intel/${item.intel_id}`
  if (item.client_id) return `/clients/${item.client_id}`
  return null
}

export type Tone = 'success' | 'warning' | 'danger' | 'info' | 'primary'

interface KindMeta {
  icon: Component
  tone: Tone
}

/**
 * Every kind the server writes (src/notify/store.rs), in the order of its mail
 * preferences; `intel_followed` has none (each follow sets its own mail).
 */
export const NOTIFICATION_KINDS: NotificationKind[] = [
  'intel_adopted',
  'intel_rejected',
  'intel_returned',
  'intel_duplicate',
  'intel_retracted',
  'intel_revision_proposed',
  'intel_revision_adopted',
  'intel_used',
  'usage_outcome',
  'client_handover',
  'intel_stale',
  'review_queue',
  'intel_submitted_for_my_client',
  'intel_adopted_for_my_client',
  'intel_followed',
  'reminder_due',
  'task_due',
  'task_assigned',
]

const KIND_META: Record<NotificationKind, KindMeta> = {
  intel_adopted: { icon: CircleCheck, tone: 'success' },
  intel_rejected: { icon: CircleClose, tone: 'danger' },
  intel_returned: { icon: RefreshLeft, tone: 'warning' },
  intel_duplicate: { icon: CopyDocument, tone: 'info' },
  intel_retracted: { icon: Remove, tone: 'danger' },
  intel_revision_proposed: { icon: EditPen, tone: 'primary' },
  intel_revision_adopted: { icon: Finished, tone: 'success' },
  intel_used: { icon: Pointer, tone: 'primary' },
  usage_outcome: { icon: Trophy, tone: 'success' },
  client_handover: { icon: Switch, tone: 'primary' },
  intel_stale: { icon: AlarmClock, tone: 'warning' },
  review_queue: { icon: Stamp, tone: 'warning' },
  intel_submitted_for_my_client: { icon: Upload, tone: 'primary' },
  intel_adopted_for_my_client: { icon: Tickets, tone: 'success' },
  intel_followed: { icon: Star, tone: 'primary' },
  reminder_due: { icon: Calendar, tone: 'warning' },
  task_due: { icon: Timer, tone: 'warning' },
  task_assigned: { icon: List, tone: 'primary' },
}

const FALLBACK: KindMeta = { icon: Bell, tone: 'info' }

export function isKnownKind(kind: string): kind is NotificationKind {
  return Object.prototype.hasOwnProperty.call(KIND_META, kind)
}

/** Icon and colour of a kind; unknown kinds (newer servers) get a bell. */
export function kindMeta(kind: string): KindMeta {
  return isKnownKind(kind) ? KIND_META[kind] : FALLBACK
}

/**
 * A short label for a kind (`notificationKind.<kind>`, also `weekly_digest`);
 * otherwise `fallback` (the server's label) or the raw kind.
 */
export function kindLabel(kind: string, fallback?: string): string {
  const key = `notificationKind.${kind}`
  if (i18n.global.te(key)) return i18n.global.t(key)
  return fallback || kind
}
