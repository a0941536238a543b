import type { Dossier, Intel, Usage, UserRef } from '@/types'

export type TimelineEvent =
  | { kind: 'intel'; at: string; intel: Intel }
  | { kind: 'owner'; at: string; from: UserRef | null; to: UserRef | null; note: string; by: UserRef | null }
  | { kind: 'usage'; at: string; usage: Usage; title: string | null }

/**
 * Intel, owner changes and usages of one client, newest first. A timeline
 * `filtered` by category holds its entries and their usages only.
 */
export function dossierTimeline(dossier: Dossier, { filtered = false }: { filtered?: boolean } = {}): TimelineEvent[] {
  const events: TimelineEvent[] = []
  const titles = new Map(dossier.intel.map((intel) => [intel.id, intel.title]))
  for (const intel of dossier.intel) {
    events.push({ kind: 'intel', at: intel.adopted_at ?? intel.submitted_at ?? intel.observed_at, intel })
  }
  for (const change of filtered ? [] : dossier.owner_history) {
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
    if (filtered && !titles.has(usage.intel_id)) continue
    // Usages of entries that are no longer adopted (superseded, retracted) have no title here.
    events.push({ kind: 'usage', at: usage.created_at, usage, title: titles.get(usage.intel_id) ?? null })
  }
  return events.sort((a, b) => Date.parse(b.at) - Date.parse(a.at))
}
