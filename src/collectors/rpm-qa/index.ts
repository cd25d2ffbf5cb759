/** Collector for `rpm -qa` listings (tab-separated queryformat or default NVRA lines). */
import type { Collector, CollectorInput, CollectorResult, FileRef } from '../../core/plugin.js';
import { headText } from '../app-common.js';
import { parseRpmQa, RPM_QA_ID } from './parse.js';

const NAME = /^rpm[-_]?(?:qa|packages)(?:[-_.][^/\\]*)?$/;
const TAB_LINE = /^[^\t\s]+\t(?:\(none\)|\d+)\t[^\t]+\t[^\t]+\t[^\t]+(?:\t[^\t\n]*)?$/;

/** rpm -qa collector: installed RPM packages as linux application observations. */
export const rpmQaCollector = {
  id: RPM_QA_ID,
  version: 1,
  description:
    "rpm -qa listings: --queryformat '%{NAME}\\t%{EPOCH}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\t%{VENDOR}\\n' or name-version-release.arch",
  matches(file: FileRef): boolean {
    const n = file.lowerName;
    return NAME.test(n) && (n.endsWith('.txt') || n.endsWith('.tsv') || !n.includes('.'));
  },
  sniff(head: Buffer): boolean {
    const first = headText(head)
      .replace(/^\uFEFF/, '')
      .split('\n')
      .find((l) => l.trim() !== '' && !l.startsWith('#'));
    return first !== undefined && TAB_LINE.test(first.replace(/\r$/, ''));
  },
  collect(input: CollectorInput): CollectorResult {
    return parseRpmQa(input.content, input.file.path, input.signal);
  },
} satisfies Collector;
