#!/usr/bin/env node
/** Entry point of the `chainhunt` binary; see program.ts. */
import { main } from './program.js';

process.exitCode = await main(process.argv);
// The command has finished and closed what it opened. A timer a library left behind must not keep
// the process alive: nats.js keeps its 2-minute ping timer and its reconnect loop when a
// connection is closed while it is reconnecting (a server stopping after NATS went away). The
// check is unref'd (a process with nothing left exits on its own first) and waits until standard
// output and error have flushed, so nothing written is cut off.
setInterval(() => {
  if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit();
}, 1000).unref();
