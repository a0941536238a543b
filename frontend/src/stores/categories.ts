import { defineStore } from 'pinia'
import { ref } from 'vue'
import { categoriesApi } from '@/api'
import type { Category } from '@/types'
import { i18n } from '@/i18n'

/** Categories with their templates, fetched once and shared by every page. */
export const useCategoriesStore = defineStore('categories', () => {
  const items = ref<Category[]>([])
  let loading: Promise<Category[]> | null = null

  function load(force = false): Promise<Category[]> {
    if (force || (!loading && items.value.length === 0)) {
      loading = categoriesApi
        .list()
        .then((list) => {
          items.value = list
          return list
        })
        .finally(() => {
          loading = null
        })
    }
    return loading ?? Promise.resolve(items.value)
  }

  function byKey(key: string): Category | undefined {
    return items.value.find((c) => c.key === key)
  }

  /** The category's name in the reader's language; `fallback` (the server's name) or the key while unknown. */
  function label(key: string, fallback?: string): string {
    const c = byKey(key)
    if (i18n.global.locale.value === 'en' && c?.name_en) return c.name_en
    return c?.name || fallback || key
  }

  function replace(category: Category): void {
    const index = items.value.findIndex((c) => c.key === category.key)
    if (index >= 0) items.value.splice(index, 1, category)
    else items.value.push(category)
  }

  return { items, load, byKey, label, replace }
})
