#!/usr/bin/env node
/** Entry point of the `chainhunt` binary; see program.ts. */
import { main } from './program.js';

process.exitCode = await main(process.argv);
