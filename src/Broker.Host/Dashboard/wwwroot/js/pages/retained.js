// Retained messages: GET /api/v5/mqtt/retainer/messages, one message's payload (GET .../message/{topic}, base64 as
// EMQX answers it) and its removal (DELETE .../message/{topic}).
import { get, del, topicPath } from '../api.js';
import { h, formatTime } from '../dom.js';
import { listPage, confirmDialog, notify, showDialog } from '../components.js';

export function renderRetained(container, ctx) {
  const list = listPage(ctx, container, {
    title: 'Retained messages',
    path: '/mqtt/retainer/messages',
    filters: [{ name: 'topic', label: 'Topic' }],
    rowTestId: 'retained-row',
    rowKey: (m) => m.topic,
    empty: 'No retained message.',
    columns: [
      { label: 'Topic', value: (m) => m.topic },
      { label: 'QoS', value: (m) => m.qos, class: 'number' },
      { label: 'From client', value: (m) => m.from_clientid, class: 'wide-only' },
      { label: 'From user', value: (m) => m.from_username, class: 'wide-only' },
      { label: 'Published', value: (m) => formatTime(m.publish_at) },
      {
        label: 'Actions',
        value: (m) => h('span', { class: 'row-actions' },
          h('button', { type: 'button', class: 'secondary small', 'aria-label': `Show ${m.topic}`, onclick: () => showPayload(m.topic) }, 'Show'),
          h('button', { type: 'button', class: 'danger small', 'aria-label': `Delete ${m.topic}`, onclick: () => remove(m.topic, list.reload) }, 'Delete')),
      },
    ],
  });
}

async function showPayload(topic) {
  try {
    const message = await get(`/mqtt/retainer/message/${topicPath(topic)}`);
    showDialog(topic, h('pre', { class: 'payload', 'data-testid': 'retained-payload' }, decode(message.payload)));
  } catch (error) {
    notify(`Could not read ${topic}: ${error.message}`, 'error');
  }
}

async function remove(topic, after) {
  if (!(await confirmDialog({ title: 'Delete retained message', message: `Delete the message retained on ${topic}?`, confirmLabel: 'Delete' }))) return;
  try {
    await del(`/mqtt/retainer/message/${topicPath(topic)}`);
    notify(`Retained message on ${topic} deleted.`, 'success');
  } catch (error) {
    notify(`Could not delete ${topic}: ${error.message}`, 'error');
  }
  after();
}

// The payload is bytes: shown as UTF-8 text when it is that, as hexadecimal otherwise.
function decode(base64) {
  if (typeof base64 !== 'string') return '';
  let bytes;
  try {
    bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  } catch {
    return base64;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
  }
}
