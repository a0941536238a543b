// Shaping for the notification preferences form (src/mail/preferences.rs):
// each kind offers its own choices (immediate / daily / off, or weekly / off
// for the weekly digest); only changed kinds are sent back.
import type { Delivery, NotificationPreference, PreferenceChanges } from '@/types'

export type PreferenceDraft = Record<string, Delivery>

/** The chosen delivery per kind, as the form edits it. */
export function draftOf(items: NotificationPreference[]): PreferenceDraft {
  return Object.fromEntries(items.map((item) => [item.kind, item.email]))
}

/** The kinds whose choice differs from what the server holds (kinds the server does not list are left out). */
export function changedPreferences(items: NotificationPreference[], draft: PreferenceDraft): PreferenceChanges {
  const changes: PreferenceChanges = {}
  for (const item of items) {
    const chosen = draft[item.kind]
    if (chosen && chosen !== item.email) changes[item.kind] = chosen
  }
  return changes
}

/** Whether a choice is one the kind offers (the server answers 422 otherwise). */
export function offers(item: NotificationPreference, delivery: Delivery): boolean {
  return item.choices.includes(delivery)
}

/**
 * The problems of a 422 keyed by kind. The server names the kind itself
 * (`intel_adopted`); a `kind.`-prefixed path is accepted too.
 */
export function preferenceErrors(fields: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [path, problem] of Object.entries(fields)) {
    const kind = path.replace(/^(kinds?|preferences)\./, '')
    out[kind] = problem
  }
  return out
}
