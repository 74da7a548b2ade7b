// One MQTT.js client subscribes, another publishes --count messages (payloads 0..count-1) at --qos, over
// the broker at --url (mqtt:// or ws://). With --topic-alias (MQTT 5), the publisher sends the topic once
// with alias 1 and then the alias alone (MQTT 5.0 section 3.3.2.3.4), and the subscriber offers aliases to the broker
// (topicAliasMaximum). Prints each message received, then "done".
'use strict';
const mqtt = require('mqtt');
const { emit, fail, options } = require('./common');

const args = options({
  url: { type: 'string' },
  topic: { type: 'string' },
  count: { type: 'string', default: '10' },
  qos: { type: 'string', default: '1' },
  version: { type: 'string', default: '5' },
  'client-id': { type: 'string', default: `mqttjs-${process.pid}` },
  'topic-alias': { type: 'boolean', default: false },
});
const count = Number(args.count);
const qos = Number(args.qos);
const common = { protocolVersion: Number(args.version), reconnectPeriod: 0, connectTimeout: 10000 };

async function main() {
  const subscriber = await mqtt.connectAsync(args.url, {
    ...common,
    clientId: `${args['client-id']}-sub`,
    ...(args['topic-alias'] ? { topicAliasMaximum: 10 } : {}),
  });
  const received = [];
  const allReceived = new Promise((resolve) => {
    subscriber.on('message', (topic, payload, packet) => {
      received.push(payload.toString());
      emit('message', {
        topic, payload: payload.toString(), qos: packet.qos,
        topic_alias: (packet.properties && packet.properties.topicAlias) || null,
      });
      if (received.length === count) resolve();
    });
  });
  const granted = await subscriber.subscribeAsync(args.topic, { qos });
  emit('subscribed', { granted: granted.map((g) => g.qos) });

  const publisher = await mqtt.connectAsync(args.url, { ...common, clientId: `${args['client-id']}-pub` });
  for (let i = 0; i < count; i++) {
    const alias = args['topic-alias'] ? { properties: { topicAlias: 1 } } : {};
    const topic = args['topic-alias'] && i > 0 ? '' : args.topic;
    await publisher.publishAsync(topic, String(i), { qos, ...alias });
  }
  emit('published', { count });
  await allReceived;
  emit('done', { received: received.length });
  await publisher.endAsync();
  await subscriber.endAsync();
  process.exit(0);
}

main().catch((error) => fail(error && error.stack ? error.stack : error));
