// Shared by the interop scripts: every script prints one JSON object per line ({"event": ...}) and exits
// 0 when it did what it was asked, 1 on a protocol failure, 2 when its deadline passed.
'use strict';
const { parseArgs } = require('node:util');

function emit(event, fields = {}) {
  process.stdout.write(JSON.stringify({ event, ...fields }) + '\n');
}

function fail(message, status = 1) {
  emit('error', { message: String(message) });
  process.exit(status);
}

/** Parses --name value options; every script also takes --timeout (seconds, default 20). */
function options(spec) {
  const { values } = parseArgs({ options: { timeout: { type: 'string', default: '20' }, ...spec } });
  const deadline = setTimeout(() => fail(`deadline of ${values.timeout} s passed`, 2), Number(values.timeout) * 1000);
  deadline.unref();
  return values;
}

process.on('unhandledRejection', (error) => fail(error && error.stack ? error.stack : error));

module.exports = { emit, fail, options };
