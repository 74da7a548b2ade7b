// Clients: GET /api/v5/clients (paged, like_clientid), one client's details (GET /api/v5/clients/{clientid}) with its
// subscriptions, and the kick (DELETE /api/v5/clients/{clientid}) after a confirmation.
import { get, del, segment, listOf } from '../api.js';
import { h, replace, formatTime, yesNo } from '../dom.js';
import { listPage, confirmDialog, notify, errorBox, pageHeader, table } from '../components.js';

async function kick(clientid, after) {
  const confirmed = await confirmDialog({
    title: 'Kick client',
    message: `Disconnect ${clientid}? Its session stays if it asked for one.`,
    confirmLabel: 'Kick',
  });
  if (!confirmed) return;
  try {
    await del(`/clients/${segment(clientid)}`);
    notify(`${clientid} kicked.`, 'success');
  } catch (error) {
    notify(`Could not kick ${clientid}: ${error.message}`, 'error');
  }
  after();
}

const link = (clientid) => h('a', { href: `#/clients/${segment(clientid)}`, 'data-testid': 'client-link' }, clientid);
const address = (c) => (c.ip_address ? `${c.ip_address}${c.port ? `:${c.port}` : ''}` : '—');
const protocol = (c) => (c.proto_name || c.proto_ver ? `${c.proto_name ?? 'MQTT'} ${c.proto_ver ?? ''}`.trim() : '—');

export function renderClients(container, ctx) {
  const list = listPage(ctx, container, {
    title: 'Clients',
    path: '/clients',
    filters: [{ name: 'like_clientid', label: 'Client ID' }, { name: 'like_username', label: 'Username' }],
    rowTestId: 'client-row',
    rowKey: (c) => c.clientid,
    refreshMs: 3000,
    empty: 'No client is connected.',
    columns: [
      { label: 'Client ID', value: (c) => link(c.clientid) },
      { label: 'Username', value: (c) => c.username },
      { label: 'Address', value: address },
      { label: 'Node', value: (c) => c.node, class: 'wide-only breakable' },
      { label: 'Protocol', value: protocol, class: 'xwide-only' },
      { label: 'Connected', value: (c) => yesNo(c.connected) },
      { label: 'Since', value: (c) => formatTime(c.connected_at), class: 'xwide-only' },
      { label: 'Subscriptions', value: (c) => c.subscriptions_cnt, class: 'number' },
      {
        label: 'Actions',
        value: (c) => h('button', { type: 'button', class: 'danger small', 'aria-label': `Kick ${c.clientid}`, onclick: () => kick(c.clientid, list.reload) }, 'Kick'),
      },
    ],
  });
}

// Shown first, in this order; whatever else the broker answers follows.
const detailOrder = [
  'clientid', 'username', 'node', 'connected', 'ip_address', 'port', 'proto_name', 'proto_ver', 'keepalive', 'clean_start',
  'expiry_interval', 'connected_at', 'disconnected_at', 'created_at', 'subscriptions_cnt', 'subscriptions_max', 'inflight_cnt',
  'inflight_max', 'mqueue_len', 'mqueue_max', 'mqueue_dropped', 'recv_msg', 'send_msg', 'recv_oct', 'send_oct',
];

export function renderClient(container, ctx) {
  const clientid = ctx.params.join('/');
  const details = h('div', {}, 'Loading…');
  const subscriptions = h('div', {});
  const kickButton = h('button', { type: 'button', class: 'danger', onclick: () => kick(clientid, load) }, 'Kick');
  replace(container,
    h('p', {}, h('a', { href: '#/clients' }, '← Clients')),
    pageHeader(clientid, kickButton),
    h('section', { class: 'card', 'aria-label': 'Details' }, details),
    h('section', { class: 'card', 'aria-label': 'Its subscriptions' }, h('h2', {}, 'Subscriptions'), subscriptions));

  async function load() {
    try {
      const client = await get(`/clients/${segment(clientid)}`);
      if (ctx.disposed) return;
      const keys = [...detailOrder.filter((k) => k in client), ...Object.keys(client).filter((k) => !detailOrder.includes(k)).sort()];
      replace(details, h('dl', { class: 'details', 'data-testid': 'client-details' },
        keys.flatMap((key) => [h('dt', {}, key), h('dd', {}, show(key, client[key]))])));
    } catch (error) {
      if (!ctx.disposed) replace(details, error.status === 404 ? h('p', { 'data-testid': 'client-gone' }, `${clientid} is not connected and has no session.`) : errorBox(error));
    }
    try {
      const { data } = listOf(await get(`/clients/${segment(clientid)}/subscriptions`));
      if (ctx.disposed) return;
      replace(subscriptions, table({
        caption: 'Subscriptions',
        rows: data,
        rowTestId: 'client-subscription-row',
        empty: 'No subscription.',
        columns: [
          { label: 'Topic', value: (s) => s.topic },
          { label: 'QoS', value: (s) => s.qos },
          { label: 'No local', value: (s) => yesNo(s.nl === undefined ? undefined : Boolean(s.nl)) },
          { label: 'Retain as published', value: (s) => yesNo(s.rap === undefined ? undefined : Boolean(s.rap)) },
          { label: 'Retain handling', value: (s) => s.rh },
        ],
      }));
    } catch (error) {
      if (!ctx.disposed) replace(subscriptions, error.status === 404 ? h('p', {}, 'None.') : errorBox(error));
    }
  }
  load();
  ctx.every(5000, load);
}

function show(key, value) {
  if (key.endsWith('_at')) return formatTime(value);
  if (typeof value === 'boolean') return yesNo(value);
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return value === undefined || value === null ? '—' : String(value);
}
