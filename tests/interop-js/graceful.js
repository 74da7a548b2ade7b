// Connects with MQTT 5 and waits for the broker to end the connection. A broker that shuts down sends
// DISCONNECT with reason 0x8B, Server shutting down: prints {"event": "disconnect", "reason_code": 139}
// and exits 0; a connection closed without DISCONNECT prints "closed" and exits 1.
'use strict';
const mqtt = require('mqtt');
const { emit, options } = require('./common');

const args = options({
  url: { type: 'string' },
  'client-id': { type: 'string', default: `graceful-${process.pid}` },
  timeout: { type: 'string', default: '60' },
});

const client = mqtt.connect(args.url, {
  protocolVersion: 5, clientId: args['client-id'], reconnectPeriod: 0, connectTimeout: 10000,
});
let disconnected = false;
client.on('connect', () => emit('connected'));
client.on('disconnect', (packet) => {
  disconnected = true;
  emit('disconnect', { reason_code: packet.reasonCode ?? 0 });
});
client.on('error', (error) => emit('client_error', { message: String(error) }));
client.on('close', () => {
  if (!disconnected) emit('closed');
  process.exit(disconnected ? 0 : 1);
});
