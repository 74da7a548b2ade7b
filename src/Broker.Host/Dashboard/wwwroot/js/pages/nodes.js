// GET /api/v5/nodes: the cluster's nodes, one object each, as EMQX answers (not paged).
import { formatBytes, formatDuration, formatNumber, h } from '../dom.js';
import { listPage } from '../components.js';

export function renderNodes(container, ctx) {
  listPage(ctx, container, {
    title: 'Nodes',
    path: '/nodes',
    rowTestId: 'node-row',
    rowKey: (n) => n.node,
    empty: 'No node answered.',
    columns: [
      { label: 'Node', value: (n) => n.node },
      { label: 'Status', value: (n) => h('span', { class: `badge badge-${n.node_status === 'running' ? 'ok' : 'bad'}` }, n.node_status ?? '—') },
      { label: 'Version', value: (n) => n.version, class: 'wide-only' },
      { label: 'Role', value: (n) => n.role, class: 'wide-only' },
      { label: 'Uptime', value: (n) => formatDuration(n.uptime) },
      { label: 'Connections', value: (n) => formatNumber(n.connections), class: 'number' },
      { label: 'Memory', value: (n) => `${formatBytes(n.memory_used)} of ${formatBytes(n.memory_total)}` },
      { label: 'Load (1 min)', value: (n) => formatNumber(n.load1, 2), class: 'number wide-only' },
    ],
  });
}
