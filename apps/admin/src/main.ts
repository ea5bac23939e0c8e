import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { i18n } from './i18n/use-i18n';
import { createAppRouter } from './router';
import './styles/main.css';

const app = createApp(App);
app.use(createPinia());
app.use(i18n);
app.use(createAppRouter());
document.documentElement.lang = i18n.global.locale.value;
app.mount('#app');
