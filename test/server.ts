/**
 * Test helpers for `chainhunt serve`: run admin commands, start the built server on a free
 * loopback port as a child process (as a user would), and build host bundles from the demo fleet.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeZip } from './archives.js';
import { cliPath, runJson } from './cli.js';
import { repoRoot } from './fixtures.js';

export const demoFleet = path.join(repoRoot, 'demo', 'fleet');

export function tempDataDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'chainhunt-server-'));
}

/** Runs `chainhunt admin --data DIR ...args` and returns its JSON output (throws on failure). */
export function admin<T = Record<string, unknown>>(dataDir: string, args: string[], databaseUrl?: string): T {
  const r = runJson<T>([
    'admin',
    '--data',
    dataDir,
    ...(databaseUrl ? ['--database-url', databaseUrl] : []),
    ...args,
  ]);
  if (r.code !== 0) throw new Error(`admin ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.doc;
}

/**
 * A fresh data folder with one tenant, an MSSP operator `op` with `password`, and an upload token
 * for the tenant's collectors.
 */
export function serverData(
  tenant: string,
  password: string,
  databaseUrl?: string,
): { data: string; uploadToken: string } {
  const data = tempDataDir();
  admin(data, ['tenant-create', tenant], databaseUrl);
  admin(data, ['user-create', 'op', '--password', password, '--operator'], databaseUrl);
  const uploadToken = admin<{ token: string }>(
    data,
    ['token-create', '--tenant', tenant, '--purpose', 'upload', '--name', 'collector'],
    databaseUrl,
  ).token;
  return { data, uploadToken };
}

export interface RunningServer {
  url: string;
  proc: ChildProcess;
  stderr: () => string;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL and wait for exit. */
  kill(): Promise<void>;
}

/** Starts `chainhunt serve --port 0` and resolves once it listens. */
export function startServer(
  dataDir: string,
  opts: { databaseUrl?: string; extraArgs?: string[]; env?: Record<string, string> } = {},
): Promise<RunningServer> {
  const args = [
    cliPath,
    'serve',
    '--port',
    '0',
    '--data',
    dataDir,
    ...(opts.databaseUrl ? ['--database-url', opts.databaseUrl] : []),
    ...(opts.extraArgs ?? []),
  ];
  const proc = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 60_000);
    proc.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(err);
      if (m?.[1]) {
        clearTimeout(timer);
        const stopWith = async (sig: NodeJS.Signals): Promise<void> => {
          if (proc.exitCode === null && proc.signalCode === null) proc.kill(sig);
          await exited;
        };
        resolve({
          url: m[1],
          proc,
          stderr: () => err,
          stop: () => stopWith('SIGTERM'),
          kill: () => stopWith('SIGKILL'),
        });
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening: ${err}`));
    });
  });
}

/** All files under `dir` as archive members (paths relative to `base`). */
export function filesOf(dir: string, base = dir): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) Object.assign(out, filesOf(p, base));
    else out[path.relative(base, p).split(path.sep).join('/')] = readFileSync(p);
  }
  return out;
}

/** A zip of one demo host's bundle folder, optionally changed (files replaced, added or removed). */
export function demoBundle(host: string, change?: (files: Record<string, Buffer>) => void): Buffer {
  const files = filesOf(path.join(demoFleet, host));
  change?.(files);
  return makeZip(files);
}

/** A small HTTP client for the API. */
export class Api {
  private cookie: string | null = null;
  private csrf: string | null = null;

  constructor(
    readonly base: string,
    private token: string | null = null,
  ) {}

  withToken(token: string | null): Api {
    return new Api(this.base, token);
  }

  async login(username: string, password: string): Promise<number> {
    const r = await fetch(`${this.base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    const set = r.headers.get('set-cookie');
    if (r.ok && set) {
      this.cookie = set.split(';')[0] ?? null;
      this.csrf = ((await r.json()) as { csrfToken: string }).csrfToken;
    }
    return r.status;
  }

  async req<T = Record<string, unknown>>(
    method: string,
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: T }> {
    const h: Record<string, string> = { ...headers };
    if (this.token) h['authorization'] = `Bearer ${this.token}`;
    if (this.cookie) h['cookie'] = this.cookie;
    if (this.csrf && method !== 'GET') h['x-csrf-token'] = this.csrf;
    let payload: string | Buffer | undefined;
    if (Buffer.isBuffer(body)) {
      payload = body;
      h['content-type'] ??= 'application/octet-stream';
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      h['content-type'] = 'application/json';
    }
    const r = await fetch(`${this.base}${url}`, {
      method,
      headers: h,
      ...(payload !== undefined ? { body: payload } : {}),
    });
    const text = await r.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: r.status, body: parsed as T };
  }

  get<T = Record<string, unknown>>(url: string): Promise<{ status: number; body: T }> {
    return this.req<T>('GET', url);
  }

  post<T = Record<string, unknown>>(
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: T }> {
    return this.req<T>('POST', url, body, headers);
  }

  /** Waits until every job of the tenant is done or failed; returns the jobs. */
  async settle(
    tenant: string,
    timeoutMs = 60_000,
  ): Promise<{ state: string; type: string; error: string | null }[]> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const r = await this.get<{ items: { state: string; type: string; error: string | null }[] }>(
        `/api/v1/tenants/${tenant}/jobs?limit=1000`,
      );
      const items = r.body.items ?? [];
      if (items.every((j) => j.state === 'done' || j.state === 'failed')) return items;
      if (Date.now() > until) throw new Error(`jobs of ${tenant} not settled: ${JSON.stringify(items)}`);
      await new Promise((res) => setTimeout(res, 100));
    }
  }
}
