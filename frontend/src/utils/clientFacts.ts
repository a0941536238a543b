// The facts of a client a person types in (aliases, industry, region, tier,
// segment, tags), as the create and edit dialogs hold them.

import type { Client, ClientSegment } from '@/types'

export interface ClientFacts {
  aliases: string[]
  industry: string
  region: string
  tier: string
  segment: ClientSegment | ''
  tags: string[]
}

export function emptyFacts(): ClientFacts {
  return { aliases: [], industry: '', region: '', tier: '', segment: '', tags: [] }
}

/** A client's facts as the form edits them (empty text for none). */
export function factsOf(client: Client): ClientFacts {
  return {
    aliases: [...client.aliases],
    industry: client.industry ?? '',
    region: client.region ?? '',
    tier: client.tier ?? '',
    segment: client.segment ?? '',
    tags: [...client.tags],
  }
}
