import { ref, shallowRef, type Ref } from 'vue'
import { isApiError } from '@/api/client'
import { notifyError } from '@/utils/errors'

/**
 * What a statistics panel shows: its data, or why not — the server has no
 * such endpoint yet (404/405/501), the reader may not see it (403), or it
 * failed (the error is also toasted).
 */
export type LoadState = 'idle' | 'ready' | 'unavailable' | 'forbidden' | 'error'

export function loadStateOf(error: unknown): Exclude<LoadState, 'idle' | 'ready'> {
  if (isApiError(error) && [404, 405, 501].includes(error.status)) return 'unavailable'
  if (isApiError(error) && error.status === 403) return 'forbidden'
  return 'error'
}

/** Loads with `fetcher`; a newer load wins over a slower older one. */
export function useStatsLoad<T>(fetcher: () => Promise<T>) {
  const data = shallowRef<T | null>(null) as Ref<T | null>
  const state = ref<LoadState>('idle')
  const loading = ref(false)
  let sequence = 0

  async function load(): Promise<void> {
    const mine = ++sequence
    loading.value = true
    try {
      const result = await fetcher()
      if (mine !== sequence) return
      data.value = result
      state.value = 'ready'
    } catch (error) {
      if (mine !== sequence) return
      data.value = null
      state.value = loadStateOf(error)
      if (state.value === 'error') notifyError(error)
    } finally {
      if (mine === sequence) loading.value = false
    }
  }

  return { data, state, loading, load }
}
