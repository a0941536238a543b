import { onMounted, ref } from 'vue'
import { departmentsApi } from '@/api'
import type { Department } from '@/types'

/** The department list for filters; empty when it cannot be loaded. */
export function useDepartments() {
  const departments = ref<Department[]>([])
  async function reload(): Promise<void> {
    try {
      departments.value = await departmentsApi.list()
    } catch {
      departments.value = []
    }
  }
  onMounted(reload)
  return { departments, reload }
}
