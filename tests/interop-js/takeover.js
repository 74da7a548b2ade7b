// Moves one persistent session around the nodes of a cluster while a publisher on one node publishes a numbered
// QoS --qos stream to it: the subscriber connects to the broker of each --path entry in turn (an index into --urls)
// with a new connection of the same client id, without ending the previous one, so the broker takes the session
// over and closes the old connection. Prints a "hop" per connection (Session Present), then, once every message the
// publisher had acknowledged has come or the deadline passed, a "summary": acknowledged, received, duplicates and
// the first missing ones.
'use strict';
const mqtt = require('mqtt');
const { emit, options } = require('./common');

const args = options({
  urls: { type: 'string' },
  path: { type: 'string' },
  'publish-node': { type: 'string', default: '0' },
  topic: { type: 'string' },
  qos: { type: 'string', default: '1' },
  version: { type: 'string', default: '5' },
  'client-id': { type: 'string', default: `mqttjs-${process.pid}` },
  'interval-ms': { type: 'string', default: '5' },
  'hop-ms': { type: 'string', default: '1500' },
});
const urls = args.urls.split(',');
const path = args.path.split(',').map(Number);
const qos = Number(args.qos);
const version = Number(args.version);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const received = new Map();
const arrivals = new Map();
const acknowledged = new Set();
// A real client keeps its side of the session across connections: the QoS 2 messages it answered PUBREC for, which
// MQTT.js delivers on the PUBREL that the broker sends after the move.
const incomingStore = new mqtt.Store();

function connectSubscriber(url) {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, {
      protocolVersion: version, clientId: args['client-id'], clean: false, reconnectPeriod: 0, connectTimeout: 10000,
      incomingStore, ...(version === 5 ? { properties: { sessionExpiryInterval: 300 } } : {}),
    });
    client.on('message', (_topic, payload, packet) => {
      const key = payload.toString();
      received.set(key, (received.get(key) || 0) + 1);
      if (!arrivals.has(key)) arrivals.set(key, []);
      arrivals.get(key).push([url, packet.dup, packet.messageId]);
    });
    client.once('connect', (connack) => {
      emit('hop', { url, session_present: Boolean(connack.sessionPresent) });
      resolve(client);
    });
    client.on('error', () => {}); // a taken-over connection's close is expected; the summary tells what was lost
    client.once('error', reject);
  });
}

async function main() {
  const clients = [await connectSubscriber(urls[path[0]])];
  await clients[0].subscribeAsync(args.topic, { qos });
  emit('subscribed');

  const publisher = await mqtt.connectAsync(urls[Number(args['publish-node'])], {
    protocolVersion: version, clientId: `${args['client-id']}-pub`, reconnectPeriod: 0,
  });
  publisher.on('disconnect', (packet) => emit('publisher_disconnected', { reason: packet.reasonCode }));
  publisher.on('close', () => emit('publisher_closed'));
  publisher.on('error', (error) => emit('publisher_error', { message: String(error) }));
  let failed = 0;
  let stop = false;
  const outstanding = new Set();
  // MQTT.js does not keep to the server's Receive Maximum by itself; one more unacknowledged PUBLISH is DISCONNECT 0x93
  // [MQTT-3.3.4-9], which a loaded machine, slower to acknowledge, reaches at 10 ms apart.
  const receiveMaximum = publisher.connackPacket?.properties?.receiveMaximum ?? 65535;
  const publishing = (async () => {
    for (let n = 0; !stop; n++) {
      while (outstanding.size >= receiveMaximum && !stop) await sleep(5);
      outstanding.add(n);
      publisher.publish(args.topic, String(n), { qos }, (error) => {
        outstanding.delete(n);
        if (!error) acknowledged.add(String(n));
        else if (failed++ < 3) emit('publish_failed', { n, message: String(error) });
      });
      await sleep(Number(args['interval-ms']));
    }
  })();

  for (const index of path.slice(1)) {
    await sleep(Number(args['hop-ms']));
    clients.push(await connectSubscriber(urls[index]));
  }
  await sleep(Number(args['hop-ms']));
  stop = true;
  await publishing;
  for (let i = 0; i < 200 && outstanding.size > 0; i++) await sleep(50);
  const allArrived = () => [...acknowledged].every((key) => received.has(key));
  for (let i = 0; i < 600 && !allArrived(); i++) await sleep(50);

  const missing = [...acknowledged].filter((key) => !received.has(key)).sort((a, b) => a - b);
  const twice = [...acknowledged].filter((key) => received.get(key) > 1).sort((a, b) => a - b);
  emit('summary', {
    acknowledged: acknowledged.size, received: acknowledged.size - missing.length, duplicates: twice.length, missing: missing.slice(0, 20),
    twice: twice.slice(0, 10).map((key) => ({ payload: key, arrivals: arrivals.get(key) })),
  });
  if (publisher.connected) await publisher.endAsync();
  else publisher.end(true);
  for (const client of clients) client.end(true);
  process.exit(0);
}

main();
