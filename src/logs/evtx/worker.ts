/** Worker thread entry for `readEvtxFiles`: runs tasks posted by the pool. */
import { parentPort } from 'node:worker_threads';
import { runEvtxTask } from './task.js';
import type { EvtxTask } from './task.js';

parentPort?.on('message', (task: EvtxTask) => {
  parentPort?.postMessage(runEvtxTask(task));
});
