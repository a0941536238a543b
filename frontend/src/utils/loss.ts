// Rules of a client's loss as the dossier shows and asks for it
// (README, "Lost clients"). Pure functions, unit-tested.

import type { ClientLoss, LossOutcome, LossReason } from '@/types'

type Translate = (key: string) => string

/** A loss not yet closed (won back or retained). */
export function isOpenLoss(loss: ClientLoss | null | undefined): loss is ClientLoss {
  return Boolean(loss) && !loss?.outcome && !loss?.closed_on
}

/** What making the client active records: won back when it was lost, retained when at risk; nothing without an open loss. */
export function closingOutcome(loss: ClientLoss | null | undefined): LossOutcome | null {
  if (!isOpenLoss(loss)) return null
  return loss.status === 'lost' ? 'won_back' : 'retained'
}

/** Problems of a loss form before it is sent, keyed as the server names them (`loss.reasons`). */
export function lossErrors(
  form: { reasons: LossReason[]; competitor: string; occurred_on: string },
  t: Translate,
): Record<string, string> {
  const out: Record<string, string> = {}
  if (form.reasons.length === 0) out['loss.reasons'] = t('loss.reasonsRequired')
  if (form.reasons.includes('competitor_offer') && !form.competitor.trim()) out['loss.competitor'] = t('loss.competitorRequired')
  if (!/^\d{4}-\d{2}-\d{2}$/.test(form.occurred_on)) out['loss.occurred_on'] = t('template.date')
  return out
}
