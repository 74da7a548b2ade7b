// The pieces every page is made of: tables, paging, a confirmation dialog, notices, and the list page that polls a
// paged /api/v5 collection.
import { get, listOf } from './api.js';
import { h, replace, field } from './dom.js';

// columns: [{ label, value(row) -> string | Node, class? }]
export function table({ caption, columns, rows, rowTestId, rowKey, empty = 'Nothing to show.' }) {
  if (rows.length === 0) return h('p', { class: 'empty', 'data-testid': `${rowTestId}-empty` }, empty);
  return h('div', { class: 'table-wrap' },
    h('table', {},
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.class }, c.label)))),
      h('tbody', {}, rows.map((row) => h('tr', { 'data-testid': rowTestId, 'data-key': rowKey ? rowKey(row) : undefined },
        columns.map((c) => h('td', { class: c.class, 'data-label': c.label }, cell(c.value(row)))))))));
}

function cell(value) {
  if (value instanceof Node) return value;
  return value === undefined || value === null || value === '' ? '—' : String(value);
}

// EMQX's meta: {page, limit, count} and, where counting is dear, {hasnext}.
export function pager({ meta, rowsShown, onPage }) {
  if (!meta) return null;
  const page = Number(meta.page ?? 1);
  const limit = Number(meta.limit ?? rowsShown);
  const count = typeof meta.count === 'number' ? meta.count : undefined;
  const pages = count !== undefined && limit > 0 ? Math.max(1, Math.ceil(count / limit)) : undefined;
  const hasNext = typeof meta.hasnext === 'boolean' ? meta.hasnext : pages !== undefined ? page < pages : rowsShown >= limit;
  return h('nav', { class: 'pager', 'aria-label': 'Pages' },
    h('button', { type: 'button', disabled: page <= 1, onclick: () => onPage(page - 1) }, 'Previous'),
    h('span', { 'data-testid': 'pager-status' },
      pages !== undefined ? `Page ${page} of ${pages} · ${count} in all` : `Page ${page}`),
    h('button', { type: 'button', disabled: !hasNext, onclick: () => onPage(page + 1) }, 'Next'));
}

export function errorBox(error) {
  return h('div', { class: 'error', role: 'alert' }, error?.message ?? String(error));
}

export function notify(message, kind = 'info') {
  const region = document.getElementById('notices');
  const note = h('div', { class: `notice notice-${kind}` }, message);
  region.append(note);
  setTimeout(() => note.remove(), 5000);
}

// A modal <dialog>: resolves true when the user confirms, false when they cancel or press Escape.
export function confirmDialog({ title, message, confirmLabel = 'Confirm', danger = true }) {
  return new Promise((resolve) => {
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': 'dialog-title' },
      h('form', { method: 'dialog' },
        h('h2', { id: 'dialog-title' }, title),
        h('p', {}, message),
        h('div', { class: 'actions' },
          h('button', { type: 'submit', value: 'cancel', class: 'secondary' }, 'Cancel'),
          h('button', { type: 'submit', value: 'confirm', class: danger ? 'danger' : 'primary' }, confirmLabel))));
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue === 'confirm');
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

// A dialog that shows something (a payload, a secret) with one Close button.
export function showDialog(title, ...content) {
  const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': 'dialog-title' },
    h('form', { method: 'dialog' },
      h('h2', { id: 'dialog-title' }, title),
      content,
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Close'))));
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}

export function pageHeader(title, ...extra) {
  return h('header', { class: 'page-header' }, h('h1', {}, title), extra);
}

// A paged collection of /api/v5, refreshed every refreshMs while the page is shown.
//   filters: [{ name, label, type?, options? }]: query parameters, as EMQX names them (like_clientid, topic, ...)
export function listPage(ctx, container, { title, path, query, columns, filters = [], rowTestId, rowKey, refreshMs = 5000, before, empty, limit = 20 }) {
  const state = { page: 1, filter: {} };
  const controls = filters.map((f) => {
    const control = f.options
      ? h('select', { name: f.name }, f.options.map(([value, label]) => h('option', { value }, label)))
      : h('input', { name: f.name, type: f.type ?? 'search', autocomplete: 'off', 'data-testid': `filter-${f.name}` });
    return { f, control };
  });
  const form = controls.length === 0 ? null : h('form', { class: 'filters', role: 'search', 'aria-label': `Filter ${title.toLowerCase()}` },
    controls.map(({ f, control }) => field(f.label, control)),
    h('button', { type: 'submit', class: 'primary' }, 'Search'));
  const status = h('p', { class: 'list-status', 'data-testid': 'list-status' });
  const body = h('div', { class: 'list-body' });
  replace(container, pageHeader(title, status), before ?? null, form, body);

  // A load asked while one is on its way (a click on the pager, a search, during a poll) runs once that one ends, so
  // that the page or filter asked for is the one shown, not the answer to the one before.
  let loading = null;
  let again = false;
  async function load() {
    if (loading) {
      again = true;
      return loading;
    }
    loading = (async () => {
      try {
        const answer = await get(path, { ...(query ?? {}), ...state.filter, page: state.page, limit });
        if (ctx.disposed) return;
        const { data, meta } = listOf(answer);
        replace(body,
          table({ caption: title, columns, rows: data, rowTestId, rowKey, empty }),
          pager({ meta, rowsShown: data.length, onPage: (page) => { state.page = page; load(); } }));
        status.textContent = `Updated ${new Date().toLocaleTimeString()}`;
      } catch (error) {
        if (!ctx.disposed) replace(body, errorBox(error));
      } finally {
        loading = null;
        if (again && !ctx.disposed) {
          again = false;
          load();
        }
      }
    })();
    return loading;
  }

  form?.addEventListener('submit', (event) => {
    event.preventDefault();
    state.filter = Object.fromEntries(controls.map(({ f, control }) => [f.name, control.value.trim()]));
    state.page = 1;
    load();
  });
  load();
  if (refreshMs) ctx.every(refreshMs, load);
  return { reload: load };
}
