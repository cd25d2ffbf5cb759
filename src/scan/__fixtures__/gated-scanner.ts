/**
 * A test {@link ThreadScanner}: reports the bytes' length and, for files whose path ends in
 * `.gated`, first blocks its thread until the test opens the gate (a shared Int32Array set to 1).
 */
import type { ThreadScanner } from '../../core/plugin.js';

/** What each thread is given: the gate. */
export interface GatedInit {
  gate: Int32Array;
}

/** The module entry point used by the hashing threads. */
export function createThreadScanner(init: unknown): ThreadScanner {
  const { gate } = init as GatedInit;
  return {
    info: { built: true },
    scan(content: Buffer, path: string) {
      if (path.endsWith('.gated')) while (Atomics.load(gate, 0) === 0) Atomics.wait(gate, 0, 0, 1000);
      return { length: content.length, path };
    },
  };
}
