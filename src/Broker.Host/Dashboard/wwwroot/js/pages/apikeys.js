// API keys, EMQX 5's /api/v5/api_key: the list (a bare array), a new key whose secret is shown once, and deletion.
import { post, del, segment } from '../api.js';
import { h, field, replace, formatTime, yesNo } from '../dom.js';
import { listPage, confirmDialog, notify, errorBox, showDialog } from '../components.js';

export function renderApiKeys(container, ctx) {
  const name = h('input', { name: 'name', required: true, autocomplete: 'off', pattern: '[A-Za-z0-9_\\-]+', title: 'letters, digits, _ and -' });
  const desc = h('input', { name: 'desc', autocomplete: 'off' });
  const expires = h('input', { name: 'expired_at', type: 'datetime-local' });
  const problem = h('div', { class: 'form-problem' });
  const form = h('form', { class: 'card inline-form', 'aria-label': 'New API key' },
    h('h2', {}, 'New API key'),
    h('div', { class: 'form-row' }, field('Name', name), field('Description', desc), field('Expires (empty: never)', expires),
      h('button', { type: 'submit', class: 'primary' }, 'Create')),
    problem);
  const list = listPage(ctx, container, {
    title: 'API keys',
    path: '/api_key',
    before: form,
    rowTestId: 'api-key-row',
    rowKey: (k) => k.name,
    refreshMs: 10000,
    empty: 'No API key.',
    columns: [
      { label: 'Name', value: (k) => k.name },
      { label: 'Key', value: (k) => h('code', {}, k.api_key ?? '—') },
      { label: 'Description', value: (k) => k.desc, class: 'wide-only' },
      { label: 'Enabled', value: (k) => yesNo(k.enable) },
      { label: 'Expires', value: (k) => (k.expired_at && k.expired_at !== 'infinity' ? formatTime(k.expired_at) : 'never') },
      { label: 'Created', value: (k) => formatTime(k.created_at), class: 'wide-only' },
      {
        label: 'Actions',
        value: (k) => h('button', { type: 'button', class: 'danger small', 'aria-label': `Delete ${k.name}`, onclick: () => remove(k.name, list.reload) }, 'Delete'),
      },
    ],
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    replace(problem);
    const body = { name: name.value.trim(), desc: desc.value.trim(), enable: true };
    if (expires.value) body.expired_at = new Date(expires.value).toISOString();
    try {
      const key = await post('/api_key', body);
      name.value = '';
      desc.value = '';
      expires.value = '';
      list.reload();
      showDialog(`API key ${key.name}`,
        h('p', {}, 'Copy the secret now: it is not shown again.'),
        h('dl', { class: 'details' },
          h('dt', {}, 'Key'), h('dd', {}, h('code', { 'data-testid': 'api-key' }, key.api_key)),
          h('dt', {}, 'Secret'), h('dd', {}, h('code', { 'data-testid': 'api-secret' }, key.api_secret))));
    } catch (error) {
      replace(problem, errorBox(error));
    }
  });
}

async function remove(name, after) {
  if (!(await confirmDialog({ title: 'Delete API key', message: `Delete ${name}? Whatever uses it is refused from now on.`, confirmLabel: 'Delete' }))) return;
  try {
    await del(`/api_key/${segment(name)}`);
    notify(`${name} deleted.`, 'success');
  } catch (error) {
    notify(`Could not delete ${name}: ${error.message}`, 'error');
  }
  after();
}
