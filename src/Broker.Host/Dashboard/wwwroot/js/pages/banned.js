// The banned list: GET /api/v5/banned, POST /api/v5/banned {"as","who","reason","until"}, DELETE /api/v5/banned/{as}/{who}.
import { post, del, segment } from '../api.js';
import { h, field, replace, formatTime } from '../dom.js';
import { listPage, confirmDialog, notify, errorBox } from '../components.js';

const kinds = [
  ['clientid', 'Client ID'],
  ['username', 'Username'],
  ['peerhost', 'IP address'],
  ['clientid_re', 'Client ID pattern'],
  ['username_re', 'Username pattern'],
  ['peerhost_net', 'Network (CIDR)'],
];

export function renderBanned(container, ctx) {
  const as = h('select', { name: 'as' }, kinds.map(([value, label]) => h('option', { value }, label)));
  const who = h('input', { name: 'who', required: true, autocomplete: 'off' });
  const reason = h('input', { name: 'reason', autocomplete: 'off' });
  const until = h('input', { name: 'until', type: 'datetime-local' });
  const problem = h('div', { class: 'form-problem' });
  const form = h('form', { class: 'card inline-form', 'aria-label': 'Ban' },
    h('h2', {}, 'Ban'),
    h('div', { class: 'form-row' }, field('Ban by', as), field('Who', who), field('Reason', reason), field('Until (empty: for ever)', until),
      h('button', { type: 'submit', class: 'primary' }, 'Add ban')),
    problem);
  const list = listPage(ctx, container, {
    title: 'Banned',
    path: '/banned',
    before: form,
    rowTestId: 'banned-row',
    rowKey: (b) => `${b.as} ${b.who}`,
    empty: 'Nobody is banned.',
    columns: [
      { label: 'Ban by', value: (b) => kinds.find(([k]) => k === b.as)?.[1] ?? b.as },
      { label: 'Who', value: (b) => b.who },
      { label: 'Reason', value: (b) => b.reason },
      { label: 'By', value: (b) => b.by, class: 'wide-only' },
      { label: 'Since', value: (b) => formatTime(b.at), class: 'wide-only' },
      { label: 'Until', value: (b) => (b.until ? formatTime(b.until) : 'for ever') },
      {
        label: 'Actions',
        value: (b) => h('button', { type: 'button', class: 'danger small', 'aria-label': `Lift the ban of ${b.who}`, onclick: () => lift(b, list.reload) }, 'Delete'),
      },
    ],
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    replace(problem);
    const body = { as: as.value, who: who.value.trim(), reason: reason.value.trim() || undefined };
    if (until.value) body.until = new Date(until.value).toISOString();
    try {
      await post('/banned', body);
      notify(`${body.who} banned.`, 'success');
      who.value = '';
      reason.value = '';
      until.value = '';
      list.reload();
    } catch (error) {
      replace(problem, errorBox(error));
    }
  });
}

async function lift(ban, after) {
  if (!(await confirmDialog({ title: 'Lift the ban', message: `Let ${ban.who} (${ban.as}) connect again?`, confirmLabel: 'Delete' }))) return;
  try {
    await del(`/banned/${segment(ban.as)}/${segment(ban.who)}`);
    notify(`Ban of ${ban.who} lifted.`, 'success');
  } catch (error) {
    notify(`Could not lift the ban: ${error.message}`, 'error');
  }
  after();
}
