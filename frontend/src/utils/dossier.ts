import type { Dossier, Intel, Usage, UserRef } from '@/types'

export type TimelineEvent =
  | { kind: 'intel'; at: string; intel: Intel }
  | { kind: 'owner'; at: string; from: UserRef | null; to: UserRef | null; note: string; by: UserRef | null }
  | { kind: 'usage'; at: string; usage: Usage; title: string | null }

export interface TimelineOptions {
  /** By category: its entries and their usages only. */
  filtered?: boolean
  /** Which page of the entries `dossier.intel` is (1 when omitted). */
  page?: number
  perPage?: number
}

/**
 * Intel, owner changes and usages of one client, newest first. The entries
 * come a page at a time: the other events shown are those between the page's
 * newest and oldest entries (all newer ones on the first page, all older ones
 * on the last), so that paging through shows each event once.
 */
export function dossierTimeline(dossier: Dossier, { filtered = false, page = 1, perPage = 20 }: TimelineOptions = {}): TimelineEvent[] {
  const intelAt = (intel: Intel): string => intel.adopted_at ?? intel.submitted_at ?? intel.observed_at
  const shown = dossier.intel.map((intel) => Date.parse(intelAt(intel)))
  const first = page <= 1
  const last = page * perPage >= dossier.intel_total
  const newest = Math.max(...shown)
  const oldest = Math.min(...shown)
  const onPage = (at: string): boolean => {
    const t = Date.parse(at)
    if (shown.length === 0) return first
    return (first || t <= newest) && (last || t >= oldest)
  }
  const events: TimelineEvent[] = []
  const titles = new Map(dossier.intel.map((intel) => [intel.id, intel.title]))
  for (const intel of dossier.intel) {
    events.push({ kind: 'intel', at: intelAt(intel), intel })
  }
  for (const change of filtered ? [] : dossier.owner_history) {
    if (!onPage(change.created_at)) continue
    events.push({
      kind: 'owner',
      at: change.created_at,
      from: change.from ?? null,
      to: change.to ?? null,
      note: change.note,
      by: change.changed_by,
    })
  }
  for (const usage of dossier.usages) {
    if ((filtered && !titles.has(usage.intel_id)) || !onPage(usage.created_at)) continue
    // Usages of entries that are no longer adopted (superseded, retracted) have no title here.
    events.push({ kind: 'usage', at: usage.created_at, usage, title: titles.get(usage.intel_id) ?? null })
  }
  return events.sort((a, b) => Date.parse(b.at) - Date.parse(a.at))
}
