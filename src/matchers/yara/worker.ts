/**
 * YARA worker thread: compiles the rule files it is given (yara-x cannot share compiled rules
 * between threads in @litko/yara-x 0.3.0, and its async scan is serialised), then scans the bytes
 * it is sent, one file at a time.
 */
import { parentPort } from 'node:worker_threads';
import type { DetectionRule } from '../../core/intel.js';
import { compileYaraRules, type RulePack } from './compile.js';
import type { YaraXRuleMatch, YaraXVariables } from './engine.js';

/** Messages to the worker. */
export type YaraWorkerRequest =
  | { type: 'init'; rules: DetectionRule[]; maxMatchesPerPattern: number }
  | { type: 'scan'; id: number; content: ArrayBuffer; variables: YaraXVariables };

/** Messages from the worker. */
export type YaraWorkerResponse =
  | { type: 'ready'; issues: import('../../core/issue.js').Issue[]; files: number }
  | { type: 'result'; id: number; matches?: (YaraXRuleMatch & { fileNamespace: string })[]; error?: string };

let packs: RulePack[] = [];

parentPort?.on('message', (msg: YaraWorkerRequest) => {
  if (msg.type === 'init') {
    const c = compileYaraRules(msg.rules);
    packs = c.packs;
    for (const p of packs) p.rules.setMaxMatchesPerPattern(msg.maxMatchesPerPattern);
    parentPort!.postMessage({
      type: 'ready',
      issues: c.issues,
      files: c.files.length,
    } satisfies YaraWorkerResponse);
    return;
  }
  try {
    const buf = Buffer.from(msg.content);
    const matches: (YaraXRuleMatch & { fileNamespace: string })[] = [];
    for (const p of packs) {
      for (const m of p.rules.scan(buf, msg.variables))
        matches.push({ ...m, fileNamespace: p.namespaceOf.get(m.ruleIdentifier) ?? m.namespace });
    }
    parentPort!.postMessage({ type: 'result', id: msg.id, matches } satisfies YaraWorkerResponse);
  } catch (err) {
    parentPort!.postMessage({
      type: 'result',
      id: msg.id,
      error: err instanceof Error ? err.message.split('\n')[0]! : String(err),
    } satisfies YaraWorkerResponse);
  }
});
