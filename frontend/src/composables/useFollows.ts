// What I follow, shared by 我的关注 and the follow button of a dossier: the
// list, following (409 when already followed reads as success) and unfollowing.

import { computed } from 'vue'
import { followsApi } from '@/api'
import { isApiError } from '@/api/client'
import { useLoad } from '@/composables/useLoad'
import type { Delivery, Follow, FollowTarget, Id } from '@/types'

/** How a followed text is compared: case and surrounding spaces do not count. */
export function sameFollowValue(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase()
}

export function useFollows() {
  const { data, state, loading, load } = useLoad((_signal) => followsApi.list())
  const follows = computed<Follow[]>(() => data.value ?? [])

  function find(target: FollowTarget, value: string | number): Follow | undefined {
    return follows.value.find((f) => f.target === target && sameFollowValue(f.value, String(value)))
  }

  /**
   * Follows `value`; answers the follow, or `'already'` when the server says
   * it is followed (the list is reloaded to show it).
   */
  async function follow(target: FollowTarget, value: string | number, delivery?: Delivery): Promise<Follow | 'already'> {
    try {
      const created = await followsApi.create({ target, value, delivery })
      data.value = [...follows.value, created]
      return created
    } catch (error) {
      if (isApiError(error) && error.status === 409) {
        await load()
        return 'already'
      }
      throw error
    }
  }

  async function unfollow(id: Id): Promise<void> {
    await followsApi.remove(id)
    data.value = follows.value.filter((f) => f.id !== id)
  }

  return { follows, state, loading, load, find, follow, unfollow }
}
