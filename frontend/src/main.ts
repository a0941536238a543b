import { createApp } from 'vue'
import { createPinia } from 'pinia'
import ElementPlus from 'element-plus'
import 'element-plus/dist/index.css'
import 'element-plus/theme-chalk/dark/css-vars.css'
import App from './App.vue'
import { i18n } from './i18n'
import { createAppRouter } from './router'
import { connectSession, useSessionStore } from './stores/session'
import './styles.css'

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
app.use(i18n)
app.use(ElementPlus)

const session = useSessionStore(pinia)
const router = createAppRouter(session, (key) => i18n.global.t(key))
connectSession(session, router)
app.use(router)

document.documentElement.lang = i18n.global.locale.value
void router.isReady().then(() => app.mount('#app'))
