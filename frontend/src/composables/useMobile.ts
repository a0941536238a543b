import { onBeforeUnmount, ref } from 'vue'

/** True below 768px: the side menu then collapses into a drawer. */
export function useMobile() {
  const query = typeof window !== 'undefined' && window.matchMedia ? window.matchMedia('(max-width: 767px)') : null
  const isMobile = ref(query?.matches ?? false)
  const update = (event: MediaQueryListEvent) => {
    isMobile.value = event.matches
  }
  query?.addEventListener('change', update)
  onBeforeUnmount(() => query?.removeEventListener('change', update))
  return isMobile
}
