import type { Dossier, Intel, OwnerChange, Usage, UserRef } from '@/types'

export type TimelineEvent =
  | { kind: 'intel'; at: string; intel: Intel }
  | { kind: 'owner'; at: string; from: UserRef | null; to: UserRef | null; note: string | null; by: UserRef | null }
  | { kind: 'usage'; at: string; usage: Usage }

function ownerEvent(change: OwnerChange): TimelineEvent | null {
  const at = change.changed_at ?? change.created_at
  if (!at) return null
  return {
    kind: 'owner',
    at,
    from: change.from ?? change.previous_owner ?? null,
    to: change.to ?? change.owner ?? null,
    note: change.note ?? null,
    by: change.changed_by ?? null,
  }
}

/** Intel, owner changes and usages of one client, newest first. */
export function dossierTimeline(dossier: Dossier): TimelineEvent[] {
  const events: TimelineEvent[] = []
  for (const intel of dossier.intel) {
    events.push({ kind: 'intel', at: intel.adopted_at ?? intel.submitted_at ?? intel.observed_at, intel })
  }
  for (const change of dossier.owner_history) {
    const event = ownerEvent(change)
    if (event) events.push(event)
  }
  for (const usage of dossier.usages) {
    if (usage.created_at) events.push({ kind: 'usage', at: usage.created_at, usage })
  }
  return events.sort((a, b) => Date.parse(b.at) - Date.parse(a.at))
}
