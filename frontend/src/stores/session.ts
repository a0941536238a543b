import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Router } from 'vue-router'
import { configureAuth, refreshSession } from '@/api/client'
import { authApi } from '@/api'
import type { Role, TokenResponse, User } from '@/types'

/** The signed-in user and the in-memory access token (never persisted). */
export const useSessionStore = defineStore('session', () => {
  const user = ref<User | null>(null)
  const accessToken = ref<string | null>(null)
  let restoring: Promise<boolean> | null = null

  const isAuthenticated = computed(() => user.value !== null && accessToken.value !== null)
  const roles = computed<string[]>(() => user.value?.roles ?? [])

  function hasRole(...wanted: Role[]): boolean {
    return wanted.some((role) => roles.value.includes(role))
  }

  function applyTokens(tokens: TokenResponse): void {
    accessToken.value = tokens.access_token
    user.value = tokens.user
  }

  function clear(): void {
    accessToken.value = null
    user.value = null
  }

  async function login(login: string, password: string): Promise<User> {
    const tokens = await authApi.login(login, password)
    applyTokens(tokens)
    return tokens.user
  }

  async function logout(): Promise<void> {
    try {
      if (accessToken.value) await authApi.logout()
    } finally {
      clear()
    }
  }

  /** Restores the session from the refresh cookie, once per page load. */
  function restore(): Promise<boolean> {
    if (!restoring) {
      restoring = refreshSession().then((tokens) => tokens !== null)
    }
    return restoring
  }

  async function reloadUser(): Promise<void> {
    if (accessToken.value) user.value = await authApi.me()
  }

  return { user, accessToken, isAuthenticated, roles, hasRole, applyTokens, clear, login, logout, restore, reloadUser }
})

export type SessionStore = ReturnType<typeof useSessionStore>

/** Wires the API client to the session store; a lost session goes to /login. */
export function connectSession(session: SessionStore, router: Router): void {
  configureAuth({
    getAccessToken: () => session.accessToken,
    onTokens: (tokens) => session.applyTokens(tokens),
    onSessionLost: () => {
      session.clear()
      const current = router.currentRoute.value
      if (current.name !== 'login') {
        void router.push({ name: 'login', query: { redirect: current.fullPath } })
      }
    },
  })
}
