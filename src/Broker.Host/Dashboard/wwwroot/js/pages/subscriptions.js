// GET /api/v5/subscriptions: every client's subscriptions, filtered as EMQX filters them.
import { h, yesNo } from '../dom.js';
import { listPage } from '../components.js';
import { segment } from '../api.js';

export function renderSubscriptions(container, ctx) {
  listPage(ctx, container, {
    title: 'Subscriptions',
    path: '/subscriptions',
    filters: [
      { name: 'clientid', label: 'Client ID' },
      { name: 'match_topic', label: 'Matching topic' },
      { name: 'qos', label: 'QoS', options: [['', 'any'], ['0', '0'], ['1', '1'], ['2', '2']] },
    ],
    rowTestId: 'subscription-row',
    rowKey: (s) => `${s.clientid} ${s.topic}`,
    empty: 'No subscription.',
    columns: [
      { label: 'Client ID', value: (s) => h('a', { href: `#/clients/${segment(s.clientid)}` }, s.clientid) },
      { label: 'Topic', value: (s) => s.topic },
      { label: 'QoS', value: (s) => s.qos, class: 'number' },
      { label: 'Node', value: (s) => s.node, class: 'wide-only' },
      { label: 'No local', value: (s) => yesNo(s.nl === undefined ? undefined : Boolean(s.nl)), class: 'wide-only' },
      { label: 'Retain as published', value: (s) => yesNo(s.rap === undefined ? undefined : Boolean(s.rap)), class: 'wide-only' },
      { label: 'Retain handling', value: (s) => s.rh, class: 'wide-only' },
    ],
  });
}
