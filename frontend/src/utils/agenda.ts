// Rules of the loop to the account manager that need no component: reminder
// offsets as admins type them, the days a reminder may be snoozed to, what a
// reminder or a visit says in one line, and the sections of a handover preview.

import type { HandoverPreview, Reminder, Visit } from '@/types'
import { i18n } from '@/i18n'

/** The longest offset a template date may remind before (ten years). */
export const MAX_OFFSET_DAYS = 3650

/**
 * Offsets typed as tags or as `60, 30，7`: whole days from 1 to MAX_OFFSET_DAYS,
 * largest first, each once. `dropped` holds what was not such a number.
 */
export function parseOffsets(input: readonly (string | number)[] | string): { days: number[]; dropped: string[] } {
  const parts = typeof input === 'string' ? input.split(/[,，、;；\s]+/) : input.map(String)
  const days = new Set<number>()
  const dropped: string[] = []
  for (const raw of parts) {
    const part = raw.trim()
    if (!part) continue
    const n = /^\d+$/.test(part) ? Number(part) : NaN
    if (n >= 1 && n <= MAX_OFFSET_DAYS) days.add(n)
    else dropped.push(part)
  }
  return { days: [...days].sort((a, b) => b - a), dropped }
}

/** A local calendar day as YYYY-MM-DD. */
export function isoDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
}

/** The day `days` after `from` (today by default). */
export function dayAfter(days: number, from: Date = new Date()): string {
  const next = new Date(from.getFullYear(), from.getMonth(), from.getDate() + days)
  return isoDay(next)
}

/** A reminder is snoozed to a day after today (the server's rule). */
export function maySnoozeTo(day: Date, today: Date = new Date()): boolean {
  return isoDay(day) > isoDay(today)
}

/**
 * A calendar day (YYYY-MM-DD, as the server sends due dates) shown like every
 * other date of the app, read as a local day so no time zone moves it.
 */
export function formatDay(day: string): string {
  const [y, m, d] = day.slice(0, 10).split('-').map(Number)
  if (!y || !m || !d) return day
  const locale = i18n.global.locale.value === 'en' ? 'en-GB' : 'zh-CN'
  return new Date(y, m - 1, d).toLocaleDateString(locale, { year: 'numeric', month: '2-digit', day: '2-digit' })
}

/** Whether a day (YYYY-MM-DD) is before today: an overdue task or reminder. */
export function isOverdue(dueOn: string, today: Date = new Date()): boolean {
  return dueOn.slice(0, 10) < isoDay(today)
}

/** What a fact reminder is about: "2027-03-01（提前 30 天）"; empty for tasks. */
export function reminderContext(reminder: Pick<Reminder, 'kind' | 'fact_on' | 'offset_days'>): string {
  if (reminder.kind !== 'fact' || !reminder.fact_on) return ''
  const t = i18n.global.t
  return reminder.offset_days > 0
    ? t('agenda.factBefore', { date: formatDay(reminder.fact_on), days: reminder.offset_days })
    : t('agenda.factOn', { date: formatDay(reminder.fact_on) })
}

/** A reminder's title without the client's name the server puts first (the client is shown beside it). */
export function reminderTitle(reminder: Pick<Reminder, 'title' | 'client'>): string {
  const name = reminder.client?.name
  if (!name || !reminder.title.startsWith(name)) return reminder.title
  const rest = reminder.title.slice(name.length).replace(/^\s*[：:]\s*/, '')
  return rest && rest !== reminder.title.slice(name.length) ? rest : reminder.title
}

/** The submit page's query for an entry written from a visit: its client and its day. */
export function intelFromVisit(visit: Pick<Visit, 'client' | 'visited_on'>): { client_id: string; observed_at: string } {
  return { client_id: String(visit.client.id), observed_at: visit.visited_on.slice(0, 10) }
}

export type HandoverSectionKey = 'contacts' | 'open_tasks' | 'reminders' | 'pending_entries' | 'follows'

export interface HandoverSection {
  key: HandoverSectionKey
  count: number
  /** One line per item, as the preview lists them. */
  lines: string[]
}

/** The preview's five lists in the order the dialog shows them, each item as one line. */
export function handoverSections(preview: HandoverPreview): HandoverSection[] {
  const t = i18n.global.t
  return [
    {
      key: 'contacts',
      count: preview.contacts.count,
      lines: preview.contacts.items.map((c) =>
        [c.name, c.title, c.is_decision_maker ? t('client.decisionMaker') : ''].filter(Boolean).join(' · '),
      ),
    },
    {
      key: 'open_tasks',
      count: preview.open_tasks.count,
      lines: preview.open_tasks.items.map((task) => `${task.title} · ${t('agenda.dueOn', { date: formatDay(task.due_on) })}`),
    },
    {
      key: 'reminders',
      count: preview.reminders.count,
      lines: preview.reminders.items.map((r) => `${reminderTitle(r)} · ${t('agenda.dueOn', { date: formatDay(r.due_on) })}`),
    },
    {
      key: 'pending_entries',
      count: preview.pending_entries.count,
      lines: preview.pending_entries.items.map((entry) => `${entry.title} · ${entry.author.real_name}`),
    },
    {
      key: 'follows',
      count: preview.follows.count,
      lines: preview.follows.items.map((u) => u.real_name || `#${u.id}`),
    },
  ]
}
