import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import '@web/app/global.css';
import { router } from './app/router';
import { onUnauthenticated } from '@web/app/http';
import { useAuthStore } from './features/auth/auth.store';

const app = createApp(App);
app.use(createPinia());
app.use(router);

// A signed-in call answered 401: the session expired or was ended elsewhere.
onUnauthenticated(() => useAuthStore().signedOut());

app.mount('#app');
