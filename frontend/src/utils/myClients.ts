// The summary line of a client (我的客户 and the dossier header) as badges:
// what each count says, how loudly, and where it leads.

import type { RouteLocationRaw } from 'vue-router'
import type { ClientSummary, Id } from '@/types'
import { i18n } from '@/i18n'
import { formatDay, isoDay } from '@/utils/agenda'

/** A contract ending within this many days is highlighted… */
export const CONTRACT_DANGER_DAYS = 30
/** …and within this many days, a warning. */
export const CONTRACT_WARNING_DAYS = 60
/** Opportunities shown one by one; the rest are counted. */
export const MAX_OPPORTUNITIES = 3

export type BadgeTone = 'danger' | 'warning' | 'primary' | 'info'

export interface SummaryBadge {
  /** Stable name of the fact, for `data-test`. */
  key: string
  text: string
  tone: BadgeTone
  to?: RouteLocationRaw
}

/** Whole days from `today` to a calendar day (YYYY-MM-DD); negative once past. */
export function daysUntil(day: string, today: Date = new Date()): number {
  const [y, m, d] = day.slice(0, 10).split('-').map(Number)
  const [ty, tm, td] = isoDay(today).split('-').map(Number)
  return Math.round((Date.UTC(y, m - 1, d) - Date.UTC(ty, tm - 1, td)) / 86_400_000)
}

function contractBadge(day: string, today: Date): SummaryBadge {
  const t = i18n.global.t
  const days = daysUntil(day, today)
  const date = formatDay(day)
  if (days < 0) return { key: 'contract', text: t('myClients.badge.contractEnded', { date }), tone: 'danger' }
  const tone: BadgeTone = days <= CONTRACT_DANGER_DAYS ? 'danger' : days <= CONTRACT_WARNING_DAYS ? 'warning' : 'info'
  const text =
    days <= CONTRACT_WARNING_DAYS ? t('myClients.badge.contractSoon', { date, days }) : t('myClients.badge.contractEnd', { date })
  return { key: 'contract', text, tone }
}

/**
 * The badges of one client's summary, in reading order. `clientId` gives the
 * dossier links; inside the dossier itself (`inDossier`) the timeline filter
 * link stays, the plain link to the dossier goes.
 */
export function summaryBadges(
  summary: ClientSummary,
  clientId: Id,
  { today = new Date(), inDossier = false }: { today?: Date; inDossier?: boolean } = {},
): SummaryBadge[] {
  const t = i18n.global.t
  const dossier = `/clients/${clientId}`
  const badges: SummaryBadge[] = []
  if (summary.contract_end) badges.push(contractBadge(summary.contract_end, today))
  if (summary.overdue_tasks > 0) {
    badges.push({ key: 'overdue', text: t('myClients.badge.overdue', { count: summary.overdue_tasks }), tone: 'danger', to: '/agenda' })
  }
  const onTime = summary.open_tasks - summary.overdue_tasks
  if (onTime > 0) {
    const key = summary.overdue_tasks > 0 ? 'myClients.badge.otherTasks' : 'myClients.badge.openTasks'
    badges.push({ key: 'tasks', text: t(key, { count: onTime }), tone: 'primary', to: '/agenda' })
  }
  if (summary.competitor_activity > 0) {
    badges.push({
      key: 'competitor',
      text: t('myClients.badge.competitor', { count: summary.competitor_activity }),
      tone: 'warning',
      to: { path: dossier, query: { category: 'competitor' } },
    })
  }
  if (summary.pending_entries > 0) {
    badges.push({
      key: 'pending',
      text: t('myClients.badge.pending', { count: summary.pending_entries }),
      tone: 'info',
      to: inDossier ? undefined : dossier,
    })
  }
  if (summary.stale_facts > 0) {
    badges.push({ key: 'stale', text: t('myClients.badge.stale', { count: summary.stale_facts }), tone: 'warning', to: inDossier ? undefined : dossier })
  }
  for (const opportunity of summary.opportunities.slice(0, MAX_OPPORTUNITIES)) {
    const text = opportunity.stage
      ? t('myClients.badge.opportunityStage', { title: opportunity.title, stage: opportunity.stage })
      : t('myClients.badge.opportunity', { title: opportunity.title })
    badges.push({ key: 'opportunity', text, tone: 'primary', to: `/intel/${opportunity.intel_id}` })
  }
  const more = summary.opportunities.length - MAX_OPPORTUNITIES
  if (more > 0) badges.push({ key: 'opportunity-more', text: t('myClients.badge.moreOpportunities', { count: more }), tone: 'primary', to: inDossier ? undefined : dossier })
  return badges
}
