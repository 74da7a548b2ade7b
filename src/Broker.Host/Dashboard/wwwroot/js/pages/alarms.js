// GET /api/v5/alarms?activated=true (raised now) or false (cleared, the history).
import { h, replace, formatTime, formatDuration } from '../dom.js';
import { listPage } from '../components.js';
import { newContext } from '../context.js';

export function renderAlarms(container, ctx) {
  const tabs = h('div', { class: 'tabs', role: 'group', 'aria-label': 'Which alarms' });
  const holder = h('div', {});
  replace(container, tabs, holder);
  let inner = null;
  function show(activated) {
    inner?.dispose();
    inner = newContext(ctx);
    replace(tabs,
      h('button', { type: 'button', 'aria-pressed': String(activated), onclick: () => show(true) }, 'Current'),
      h('button', { type: 'button', 'aria-pressed': String(!activated), onclick: () => show(false) }, 'History'));
    listPage(inner, holder, {
      title: activated ? 'Current alarms' : 'Cleared alarms',
      path: '/alarms',
      query: { activated },
      rowTestId: 'alarm-row',
      rowKey: (a) => `${a.node} ${a.name}`,
      empty: activated ? 'No alarm is raised.' : 'No alarm was cleared.',
      columns: [
        { label: 'Name', value: (a) => a.name },
        { label: 'Message', value: (a) => a.message },
        { label: 'Node', value: (a) => a.node, class: 'wide-only' },
        { label: 'Raised', value: (a) => formatTime(a.activate_at) },
        activated
          ? { label: 'For', value: (a) => formatDuration(a.duration) }
          : { label: 'Cleared', value: (a) => formatTime(a.deactivate_at) },
        { label: 'Details', value: (a) => (a.details ? JSON.stringify(a.details) : ''), class: 'wide-only details-cell' },
      ],
    });
  }
  ctx.onDispose(() => inner?.dispose());
  show(true);
}
