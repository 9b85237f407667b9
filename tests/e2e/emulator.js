// Test-only: run the telegram-test-api Bot API emulator on 127.0.0.1 until SIGTERM/SIGINT.
//
//   node tests/e2e/emulator.js PORT [STORE_TIMEOUT_SECONDS]
//
// PORT and STORE_TIMEOUT_SECONDS may also come from EMULATOR_PORT and EMULATOR_STORE_TIMEOUT.
// With EMULATOR_EXIT_ON_STDIN_EOF=1 it also stops when stdin closes, so a test run that dies
// without tearing down (SIGKILL) does not leave an emulator behind.
// Prints one line "emulator ready http://127.0.0.1:PORT" once it accepts connections.
// Started and stopped by tests/e2e/emulator.py; see /work/shared/notes/telegram-test-api.md.
'use strict';

const TelegramServer = require('telegram-test-api');

const port = Number(process.argv[2] || process.env.EMULATOR_PORT);
const storeTimeout = Number(process.argv[3] || process.env.EMULATOR_STORE_TIMEOUT || 60);

if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error(`emulator: need a port (argv[2] or EMULATOR_PORT), got ${JSON.stringify(process.argv[2])}`);
  process.exit(2);
}
if (!(storeTimeout > 0)) {
  console.error(`emulator: storeTimeout must be a positive number of seconds, got ${storeTimeout}`);
  process.exit(2);
}

// A malformed client request (e.g. /sendCommand without entities, or no botToken) rejects a
// promise after the emulator has already answered 200; without this handler node would exit.
process.on('unhandledRejection', (reason) => {
  console.error(`emulator: unhandled rejection: ${reason && reason.stack ? reason.stack : reason}`);
});

const server = new TelegramServer({ port, host: '127.0.0.1', storeTimeout });

let stopping = false;
async function stop(signal) {
  if (stopping) {
    return;
  }
  stopping = true;
  console.log(`emulator: ${signal}, stopping`);
  // http-shutdown waits for open keep-alive connections; do not let one hold us up.
  setTimeout(() => process.exit(0), 2000).unref();
  try {
    await server.stop();
  } finally {
    process.exit(0);
  }
}
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
if (process.env.EMULATOR_EXIT_ON_STDIN_EOF === '1') {
  process.stdin.on('end', () => stop('stdin closed'));
  process.stdin.resume();
}

server.start().then(
  () => console.log(`emulator ready http://127.0.0.1:${port}`),
  (error) => {
    // EADDRINUSE and the like: exit so the Python side can retry on another port.
    console.error(`emulator: cannot listen on 127.0.0.1:${port}: ${error.code || error}`);
    process.exit(3);
  },
);
