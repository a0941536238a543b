// A cluster's members as the drawer lists them: the contacts carrying the
// cluster's tag picked out, for the invitation. Pure, unit-tested.

import type { ClusterMember, Id } from '@/types'

export type ShownMember = ClusterMember & { matching: Set<Id> }

/** Each member with the ids of its contacts tagged `tag`, those contacts first (otherwise in the server's order). */
export function membersWithMatches(members: ClusterMember[], tag: string): ShownMember[] {
  return members.map((member) => {
    const contacts = member.contacts
    const matching = new Set(contacts.filter((c) => c.tags.includes(tag)).map((c) => c.id))
    const ordered = [...contacts.filter((c) => matching.has(c.id)), ...contacts.filter((c) => !matching.has(c.id))]
    return { ...member, contacts: ordered, matching }
  })
}
