import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import './app/global.css';
import { router } from './app/router';
import { onUnauthenticated } from './app/http';
import { useAuthStore } from './features/auth/auth.store';

const app = createApp(App);
app.use(createPinia());
app.use(router);

// A signed-in call answered 401: the session expired or was revoked somewhere else.
onUnauthenticated(() => useAuthStore().signedOut('EXPIRED'));

app.mount('#app');
