/** Collector for dpkg's installed-package database (`/var/lib/dpkg/status`). */
import type { Collector, CollectorInput, CollectorResult, FileRef } from '../../core/plugin.js';
import { headText } from '../app-common.js';
import { DPKG_STATUS_ID, parseDpkgStatus } from './parse.js';

/** dpkg status collector: app observations (linux) and Debian package observations. */
export const dpkgStatusCollector = {
  id: DPKG_STATUS_ID,
  version: 1,
  description: 'dpkg status database (/var/lib/dpkg/status): installed Debian/Ubuntu packages',
  matches(file: FileRef): boolean {
    const p = file.path.replace(/\\/g, '/').toLowerCase();
    return p.endsWith('var/lib/dpkg/status') || /^dpkg[-_.]status(?:\.txt)?$/.test(file.lowerName);
  },
  sniff(head: Buffer): boolean {
    const t = headText(head).replace(/^\uFEFF/, '');
    return t.startsWith('Package: ') && /\nStatus: \S+ \S+ \S+/.test(t);
  },
  collect(input: CollectorInput): CollectorResult {
    return parseDpkgStatus(input.content, input.file.path, input.signal);
  },
} satisfies Collector;
