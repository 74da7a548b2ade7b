// The dashboard's shell: the navigation, the hash router (/#/clients/abc) and each page's lifetime. A page is
// render(container, ctx) with a context of its own (context.js), disposed when another page is shown.
import { session, post } from './api.js';
import { h, replace } from './dom.js';
import { newContext } from './context.js';
import { renderLogin, renderChangePassword } from './pages/login.js';
import { renderOverview } from './pages/overview.js';
import { renderClients, renderClient } from './pages/clients.js';
import { renderSubscriptions } from './pages/subscriptions.js';
import { renderTopics } from './pages/topics.js';
import { renderRetained } from './pages/retained.js';
import { renderNodes } from './pages/nodes.js';
import { renderAlarms } from './pages/alarms.js';
import { renderBanned } from './pages/banned.js';
import { renderApiKeys } from './pages/apikeys.js';

const pages = [
  { path: 'overview', label: 'Overview', render: renderOverview },
  { path: 'clients', label: 'Clients', render: renderClients },
  { path: 'subscriptions', label: 'Subscriptions', render: renderSubscriptions },
  { path: 'topics', label: 'Topics', render: renderTopics },
  { path: 'retained', label: 'Retained', render: renderRetained },
  { path: 'nodes', label: 'Nodes', render: renderNodes },
  { path: 'alarms', label: 'Alarms', render: renderAlarms },
  { path: 'banned', label: 'Banned', render: renderBanned },
  { path: 'api-keys', label: 'API keys', render: renderApiKeys },
];

const hidden = [
  { path: 'account', label: 'Change password', render: (container, ctx) => renderChangePassword(container, ctx, { forced: false }) },
];

let current = null;

// A hand-typed address may hold a broken escape (#/clients/%E0): shown as typed rather than stopping the page.
function decoded(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function route() {
  const [path = 'overview', ...rest] = location.hash.replace(/^#\/?/, '').split('/');
  return { path: path || 'overview', params: rest.map(decoded) };
}

function show() {
  current?.dispose();
  const ctx = newContext();
  current = ctx;
  const app = document.getElementById('app');
  const { path, params } = route();
  ctx.params = params;
  if (path === 'login' || !session.active) {
    if (path !== 'login') {
      session.rememberReturn(location.hash);
      location.hash = '#/login';
      return;
    }
    app.classList.add('logged-out');
    renderLogin(app, ctx);
    return;
  }
  app.classList.remove('logged-out');
  const page = path === 'clients' && params.length > 0
    ? { path, label: 'Client', render: renderClient }
    : [...pages, ...hidden].find((p) => p.path === path) ?? pages[0];
  const main = h('main', { id: 'main', class: 'main', tabindex: '-1' });
  replace(app, topBar(), navigation(page.path), main);
  document.title = `${page.label} · Broker dashboard`;
  page.render(main, ctx);
}

function topBar() {
  return h('header', { class: 'top-bar' },
    h('a', { class: 'brand', href: '#/overview' }, h('img', { src: '/assets/favicon.svg', alt: '', width: 24, height: 24 }), 'Broker'),
    h('div', { class: 'user' },
      h('span', { 'data-testid': 'current-user' }, session.username ?? ''),
      h('a', { href: '#/account' }, 'Change password'),
      h('button', { type: 'button', class: 'secondary', onclick: logout }, 'Log out')));
}

function navigation(active) {
  return h('nav', { class: 'side-nav', 'aria-label': 'Sections' },
    h('ul', {}, pages.map((p) => h('li', {},
      h('a', { href: `#/${p.path}`, 'aria-current': p.path === active ? 'page' : undefined }, p.label)))));
}

async function logout() {
  try {
    await post('/logout', { username: session.username });
  } catch {
    // The token is dropped here whatever the broker answered: a token it no longer knows is no session.
  }
  session.end();
  location.hash = '#/login';
}

window.addEventListener('hashchange', show);
show();
