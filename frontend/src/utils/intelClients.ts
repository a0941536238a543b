import type { ClientRef, Id, Intel } from '@/types'

/** The category whose entries may name no client (the whole market) or several. */
export const COMPETITOR = 'competitor'

/** The client-kind key of the statistics for entries about no client. */
export const MARKET_KIND = 'market'

/** Whether entries of `category` may name no client or several. */
export function namesAnyClients(category: string): boolean {
  return category === COMPETITOR
}

/** Every client an entry is about, its shown client first; empty: the whole market. */
export function clientsOf(intel: Pick<Intel, 'client' | 'clients'>): ClientRef[] {
  if (intel.clients?.length) return intel.clients
  return intel.client ? [intel.client] : []
}

/**
 * Who a request says the entry is about: the first of `ids` becomes its
 * shown client (`client_id`, null for the whole market), the others follow in
 * `client_ids`.
 */
export function subjectOf(ids: readonly Id[]): { client_id: Id | null; client_ids: Id[] } {
  return { client_id: ids[0] ?? null, client_ids: ids.slice(1) }
}
