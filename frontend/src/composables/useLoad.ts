import { ref, shallowRef, type Ref } from 'vue'
import { isApiError } from '@/api/client'
import { notifyError } from '@/utils/errors'

/**
 * What a panel shows: its data, or why not — the server has no such
 * endpoint yet (404/405/501), the reader may not see it (403), or it failed
 * (the error is also toasted).
 */
export type LoadState = 'idle' | 'ready' | 'unavailable' | 'forbidden' | 'error'

export function loadStateOf(error: unknown): Exclude<LoadState, 'idle' | 'ready'> {
  if (isApiError(error) && [404, 405, 501].includes(error.status)) return 'unavailable'
  if (isApiError(error) && error.status === 403) return 'forbidden'
  return 'error'
}

export interface LoadOptions {
  /** Toast every failure, also those a panel explains itself ('unavailable', 'forbidden'). */
  toastAll?: boolean
}

/**
 * Loads with `fetcher`. A newer load aborts an older one (through `signal`)
 * and wins over it even when the older answer comes last.
 */
export function useLoad<T>(fetcher: (signal: AbortSignal) => Promise<T>, options: LoadOptions = {}) {
  const data = shallowRef<T | null>(null) as Ref<T | null>
  const state = ref<LoadState>('idle')
  const loading = ref(false)
  let controller: AbortController | null = null

  async function load(): Promise<void> {
    controller?.abort()
    const mine = new AbortController()
    controller = mine
    loading.value = true
    try {
      const result = await fetcher(mine.signal)
      if (controller !== mine) return
      data.value = result
      state.value = 'ready'
    } catch (error) {
      if (controller !== mine) return
      data.value = null
      state.value = loadStateOf(error)
      if (state.value === 'error' || options.toastAll) notifyError(error)
    } finally {
      if (controller === mine) {
        loading.value = false
        controller = null
      }
    }
  }

  /** Drops the load in flight (the view is going away). */
  function cancel(): void {
    controller?.abort()
    controller = null
  }

  return { data, state, loading, load, cancel }
}
