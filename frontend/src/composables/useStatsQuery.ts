import { onMounted, ref, watch } from 'vue'
import { useDepartments } from '@/composables/useDepartments'
import { useLoad } from '@/composables/useLoad'
import type { Id, MarketStatsQuery, Period } from '@/types'

/**
 * A statistics panel's window (a period, a day inside it) and department,
 * with `fetch` loaded on mount and again whenever one of them changes.
 */
export function useStatsQuery<T>(fetch: (query: MarketStatsQuery) => Promise<T>, initial: Period = 'quarter') {
  const { departments } = useDepartments()
  const period = ref<Period>(initial)
  const date = ref<string | null>(null)
  const departmentId = ref<Id | null>(null)
  const loaded = useLoad(() => fetch({ period: period.value, date: date.value ?? undefined, department_id: departmentId.value ?? undefined }))
  watch([period, date, departmentId], () => void loaded.load())
  onMounted(loaded.load)
  return { departments, period, date, departmentId, ...loaded }
}
