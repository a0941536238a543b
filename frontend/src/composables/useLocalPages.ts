// Pages of a list the server sent whole (an appraisal's people): the same
// `PagerModel` as `usePagedList`, so `ListPager` renders it, paged here.

import { computed, reactive, ref, watch, type Ref } from 'vue'

export function useLocalPages<T>(rows: Ref<T[]>, perPage = 20) {
  const page = ref(1)
  const size = ref(perPage)
  const total = computed(() => rows.value.length)
  const visible = computed(() => rows.value.slice((page.value - 1) * size.value, page.value * size.value))

  // Another period or department, or another order: back to the first page.
  watch(rows, () => {
    page.value = 1
  })

  function goTo(next: number): void {
    page.value = next
  }

  function setPerPage(next: number): void {
    size.value = next
    page.value = 1
  }

  return reactive({ page, perPage: size, total, visible, goTo, setPerPage })
}
