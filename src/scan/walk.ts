/**
 * Evidence walking: lists files under scan roots (directories, single files, and the members of
 * `.zip` / `.tar` / `.tar.gz` archives), without following symlinks, honouring excludes and limits.
 * Every skipped item becomes an issue. Content is read later by {@link readEntries}.
 */
import { lstat, opendir } from 'node:fs/promises';
import path from 'node:path';
import { issue, type Issue } from '../core/issue.js';
import type { FileRef } from '../core/plugin.js';
import { errorMessage } from '../core/errors.js';
import { wildcardMatch } from '../util/glob.js';
import { archiveKind, safeMemberName, visitTar, visitZip, type ArchiveKind } from './archive.js';
import type { WalkLimits } from './limits.js';

/** Where an entry's bytes live. */
export type Container = { kind: 'fs' } | { kind: ArchiveKind; archive: string; archiveDisplay: string };

/** One evidence file, not yet read. */
export interface EvidenceEntry {
  ref: FileRef;
  container: Container;
  /** Absolute fs path (fs entries) or member name (archive entries). */
  location: string;
  /** Path relative to the scan root, forward slashes (used for excludes and host assignment). */
  rel: string;
}

export interface ListResult {
  entries: EvidenceEntry[];
  issues: Issue[];
}

const WALK_ID = 'scan/walk';

function makeRef(display: string, size: number): FileRef {
  const name =
    display.slice(Math.max(display.lastIndexOf('/'), display.lastIndexOf('!/') + 1) + 1) || display;
  return { path: display, name, lowerName: name.toLowerCase(), size };
}

function excluded(rel: string, limits: WalkLimits): boolean {
  return limits.excludes.some((p) => wildcardMatch(p, rel) || wildcardMatch(p, path.posix.basename(rel)));
}

/**
 * Lists the evidence under one scan root. `display` is how paths are shown (the root as the user
 * gave it); archives found inside directories are listed member by member.
 */
export async function listEvidence(
  root: string,
  limits: WalkLimits,
  signal: AbortSignal,
): Promise<ListResult> {
  const entries: EvidenceEntry[] = [];
  const issues: Issue[] = [];
  const display = root.replace(/\/+$/, '') || root;
  let st;
  try {
    st = await lstat(root);
  } catch (err) {
    issues.push(
      issue('unreadable', `cannot read scan path: ${errorMessage(err)}`, {
        file: display,
        pluginId: WALK_ID,
      }),
    );
    return { entries, issues };
  }
  const addFile = async (abs: string, shown: string, rel: string, size: number): Promise<void> => {
    if (entries.length >= limits.maxFiles) return;
    const kind = archiveKind(path.basename(abs).toLowerCase());
    if (kind) {
      await listArchive(abs, shown, rel, kind, limits, entries, issues, signal);
    } else {
      entries.push({ ref: makeRef(shown, size), container: { kind: 'fs' }, location: abs, rel });
    }
  };
  if (st.isSymbolicLink()) {
    issues.push(
      issue('symlink', 'scan path is a symbolic link; not followed', { file: display, pluginId: WALK_ID }),
    );
  } else if (st.isFile()) {
    await addFile(path.resolve(root), display, path.basename(root), st.size);
  } else if (st.isDirectory()) {
    await walkDir(path.resolve(root), display, '', limits, entries, issues, signal, addFile);
  } else {
    issues.push(issue('unsupported', 'special file skipped', { file: display, pluginId: WALK_ID }));
  }
  if (entries.length >= limits.maxFiles) {
    issues.push(
      issue('limit-exceeded', `file limit of ${limits.maxFiles} reached; the rest was not scanned`, {
        file: display,
        pluginId: WALK_ID,
      }),
    );
  }
  return { entries, issues };
}

async function walkDir(
  abs: string,
  shown: string,
  rel: string,
  limits: WalkLimits,
  entries: EvidenceEntry[],
  issues: Issue[],
  signal: AbortSignal,
  addFile: (abs: string, shown: string, rel: string, size: number) => Promise<void>,
): Promise<void> {
  let names: string[];
  try {
    const dir = await opendir(abs);
    names = [];
    for await (const d of dir) names.push(d.name);
  } catch (err) {
    issues.push(
      issue('unreadable', `cannot list directory: ${errorMessage(err)}`, { file: shown, pluginId: WALK_ID }),
    );
    return;
  }
  names.sort();
  for (const name of names) {
    if (signal.aborted || entries.length >= limits.maxFiles) return;
    const childAbs = path.join(abs, name);
    const childShown = shown === '.' ? name : `${shown}/${name}`;
    const childRel = rel ? `${rel}/${name}` : name;
    if (excluded(childRel, limits)) continue;
    let st;
    try {
      st = await lstat(childAbs);
    } catch (err) {
      issues.push(
        issue('unreadable', `cannot stat: ${errorMessage(err)}`, { file: childShown, pluginId: WALK_ID }),
      );
      continue;
    }
    if (st.isSymbolicLink()) {
      issues.push(issue('symlink', 'symbolic link not followed', { file: childShown, pluginId: WALK_ID }));
    } else if (st.isDirectory()) {
      await walkDir(childAbs, childShown, childRel, limits, entries, issues, signal, addFile);
    } else if (st.isFile()) {
      await addFile(childAbs, childShown, childRel, st.size);
    } else {
      issues.push(
        issue('unsupported', 'special file (device, FIFO or socket) skipped', {
          file: childShown,
          pluginId: WALK_ID,
        }),
      );
    }
  }
}

const LIMIT_STOP = 'archive limit reached';
class LimitStop extends Error {
  constructor() {
    super(LIMIT_STOP);
  }
}

async function listArchive(
  abs: string,
  shown: string,
  rel: string,
  kind: ArchiveKind,
  limits: WalkLimits,
  entries: EvidenceEntry[],
  issues: Issue[],
  signal: AbortSignal,
): Promise<void> {
  const container: Container = { kind, archive: abs, archiveDisplay: shown };
  let count = 0;
  let declared = 0;
  const visit = async (e: { name: string; size: number; type: string }): Promise<void> => {
    await Promise.resolve();
    const member = safeMemberName(e.name);
    const memberShown = `${shown}!/${member ?? e.name}`;
    if (member === null) {
      issues.push(
        issue('archive-error', `archive member name escapes the archive: ${JSON.stringify(e.name)}`, {
          file: shown,
          pluginId: WALK_ID,
        }),
      );
      return;
    }
    if (e.type === 'dir' || member === '') return;
    if (e.type === 'symlink') {
      issues.push(
        issue('symlink', 'symbolic link in archive not followed', { file: memberShown, pluginId: WALK_ID }),
      );
      return;
    }
    if (e.type !== 'file') {
      issues.push(
        issue(
          'unsupported',
          'archive member is not a regular file or cannot be read (encrypted or unknown compression)',
          { file: memberShown, pluginId: WALK_ID },
        ),
      );
      return;
    }
    count++;
    declared += e.size;
    if (count > limits.maxArchiveEntries || declared > limits.maxArchiveBytes) {
      issues.push(
        issue(
          'limit-exceeded',
          `archive exceeds limits (${limits.maxArchiveEntries} entries or ${limits.maxArchiveBytes} bytes uncompressed); the rest was skipped`,
          { file: shown, pluginId: WALK_ID },
        ),
      );
      throw new LimitStop();
    }
    const memberRel = `${rel}!/${member}`;
    if (excluded(member, limits) || excluded(memberRel, limits)) return;
    if (archiveKind(member.toLowerCase())) {
      issues.push(
        issue('unsupported', 'nested archive not expanded (hashed only)', {
          file: memberShown,
          pluginId: WALK_ID,
        }),
      );
    }
    entries.push({ ref: makeRef(memberShown, e.size), container, location: member, rel: memberRel });
  };
  try {
    if (kind === 'zip') {
      await visitZip(
        abs,
        async (e) => visit(e),
        signal,
        () => false,
      );
    } else {
      await visitTar(abs, kind === 'tgz', async (e) => visit(e), signal);
    }
  } catch (err) {
    if (err instanceof LimitStop || (err instanceof Error && err.message === LIMIT_STOP)) return;
    issues.push(
      issue('archive-error', `cannot read archive: ${errorMessage(err)}`, { file: shown, pluginId: WALK_ID }),
    );
  }
}
