// The cluster at a glance: counts from /api/v5/stats and message rates from /api/v5/metrics (both ?aggregate=true,
// EMQX's names), polled every few seconds. The rates are the counters' differences between two polls.
import { get } from '../api.js';
import { h, replace, formatNumber } from '../dom.js';
import { errorBox, pageHeader } from '../components.js';
import { LineChart } from '../chart.js';

export const POLL_MS = 2000;

const cards = [
  ['connections.count', 'Connections'],
  ['live_connections.count', 'Live connections'],
  ['sessions.count', 'Sessions'],
  ['subscriptions.count', 'Subscriptions'],
  ['topics.count', 'Topics'],
  ['retained.count', 'Retained'],
];

export function renderOverview(container, ctx) {
  const cardValues = new Map();
  const cardGrid = h('section', { class: 'cards', 'aria-label': 'Counts' }, cards.map(([key, label]) => {
    const value = h('span', { class: 'card-value', 'data-testid': `stat-${key.replace(/\W+/g, '-')}` }, '—');
    cardValues.set(key, value);
    return h('div', { class: 'card stat' }, h('span', { class: 'card-label' }, label), value);
  }));
  const connections = new LineChart({
    id: 'chart-connections',
    title: 'Connections',
    minStep: 1,
    series: [{ key: 'connections', label: 'connected', color: '#2f80ed' }],
  });
  const messages = new LineChart({
    id: 'chart-messages',
    title: 'Messages per second',
    unit: '/s',
    digits: 1,
    series: [
      { key: 'in', label: 'received', color: '#27ae60' },
      { key: 'out', label: 'sent', color: '#eb5757' },
      { key: 'dropped', label: 'dropped', color: '#9b51e0' },
    ],
  });
  const problem = h('div', {});
  const updated = h('p', { class: 'list-status' });
  replace(container, pageHeader('Overview', updated), problem, cardGrid,
    h('section', { class: 'charts', 'aria-label': 'Charts' }, connections.element, messages.element));
  ctx.onDispose(() => {
    connections.dispose();
    messages.dispose();
  });

  let previous = null;
  async function poll() {
    try {
      const [stats, metrics] = await Promise.all([get('/stats', { aggregate: true }), get('/metrics', { aggregate: true })]);
      if (ctx.disposed) return;
      replace(problem);
      const s = sum(stats);
      const m = sum(metrics);
      const now = Date.now();
      for (const [key, value] of cardValues) value.textContent = formatNumber(s[key]);
      connections.push(now, { connections: s['connections.count'] ?? 0 });
      if (previous) {
        const seconds = Math.max(0.001, (now - previous.time) / 1000);
        const rate = (key) => Math.max(0, ((m[key] ?? 0) - (previous.metrics[key] ?? 0)) / seconds);
        messages.push(now, { in: rate('messages.received'), out: rate('messages.sent'), dropped: rate('messages.dropped') });
      }
      previous = { time: now, metrics: m };
      updated.textContent = `Updated ${new Date(now).toLocaleTimeString()}`;
    } catch (error) {
      if (!ctx.disposed) replace(problem, errorBox(error));
    }
  }
  poll();
  ctx.every(POLL_MS, poll);
}

// ?aggregate=true answers one object; without it (or from an older node) a list of one per node: added up.
function sum(answer) {
  const items = Array.isArray(answer) ? answer : [answer ?? {}];
  const total = {};
  for (const item of items) {
    for (const [key, value] of Object.entries(item)) {
      if (typeof value === 'number') total[key] = (total[key] ?? 0) + value;
    }
  }
  return total;
}
