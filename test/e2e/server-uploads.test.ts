/**
 * Issue #13 acceptance: bad uploads (not an archive, zip bombs, path traversal entries, oversized,
 * truncated, empty, without a host manifest, interrupted) are refused with a clear error, and
 * nothing is stored from them: no job, no upload row, no file under `<data>/uploads` (temporary
 * ones included), the tenant's hosts unchanged; each refusal is in the audit log as `bundle.refused`.
 */
import { once } from 'node:events';
import { readdirSync, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createDeflateRaw, crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTar, makeZip } from '../archives.js';
import {
  Api,
  demoBundle,
  filesOf,
  demoFleet,
  serverData,
  startServer,
  type RunningServer,
} from '../server.js';

const T = 'acme';
const PASSWORD = 'uploads-password-1';
const MAX_UPLOAD = 1024 * 1024;

interface Member {
  name: string;
  /** Stored (0) or deflated (8). */
  method: 0 | 8;
  /** The member's bytes as written (compressed for method 8). */
  data: Buffer;
  crc: number;
  size: number;
  /** The uncompressed size the headers claim (default: the real one). */
  claimed?: number;
}

/** A zip of `members` written as given (sizes may lie). */
function zipOf(members: Member[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name, 'utf8');
    const claimed = m.claimed ?? m.size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(m.method, 8);
    local.writeUInt32LE(m.crc >>> 0, 14);
    local.writeUInt32LE(m.data.length, 18);
    local.writeUInt32LE(claimed, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, m.data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(m.method, 10);
    central.writeUInt32LE(m.crc >>> 0, 16);
    central.writeUInt32LE(m.data.length, 20);
    central.writeUInt32LE(claimed, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + m.data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

function stored(name: string, content: string | Buffer): Member {
  const data = typeof content === 'string' ? Buffer.from(content) : content;
  return { name, method: 0, data, crc: crc32(data), size: data.length };
}

/** `mib` MiB of zeros, deflated as it streams (never held in memory whole). */
async function deflatedZeros(name: string, mib: number): Promise<Member> {
  const d = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  d.on('data', (c: Buffer) => out.push(c));
  const done = once(d, 'end');
  const zeros = Buffer.alloc(1024 * 1024);
  let crc = 0;
  for (let i = 0; i < mib; i++) {
    crc = crc32(zeros, crc);
    if (!d.write(zeros)) await once(d, 'drain');
  }
  d.end();
  await done;
  return { name, method: 8, data: Buffer.concat(out), crc, size: mib * 1024 * 1024 };
}

const manifest = (): Member =>
  stored(
    'chainhunt-host.json',
    JSON.stringify({ schema: 'chainhunt-host/1', hostId: 'bad-host-1', tenant: T, os: 'linux' }),
  );

/** Every file under `dir` (relative paths), temporary ones included. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names) {
      const p = path.join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

interface Snapshot {
  jobs: string[];
  uploads: string[];
  hosts: unknown[];
  files: string[];
}

describe('chainhunt serve: bad uploads are refused and leave nothing behind', () => {
  let server: RunningServer;
  let data: string;
  let op: Api;
  let up: Api;
  let token = '';
  let before: Snapshot;

  const snapshot = async (): Promise<Snapshot> => {
    const jobs = await op.get<{ items: { id: string }[] }>(`/api/v1/tenants/${T}/jobs?limit=1000`);
    const uploads = await op.get<{ items: { id: string }[] }>(`/api/v1/tenants/${T}/bundles?limit=1000`);
    const hosts = await op.get<{ items: unknown[] }>(`/api/v1/tenants/${T}/hosts`);
    return {
      jobs: jobs.body.items.map((j) => j.id).sort(),
      uploads: uploads.body.items.map((u) => u.id).sort(),
      hosts: hosts.body.items,
      files: filesUnder(path.join(data, 'uploads')),
    };
  };
  const refusals = async (): Promise<{ reason: string }[]> => {
    const a = await op.get<{ items: { action: string; detail: { reason: string } }[] }>(
      `/api/v1/tenants/${T}/audit?limit=1000`,
    );
    return a.body.items.filter((e) => e.action === 'bundle.refused').map((e) => e.detail);
  };

  beforeAll(async () => {
    ({ data, uploadToken: token } = serverData(T, PASSWORD));
    server = await startServer(data, { extraArgs: ['--max-upload', String(MAX_UPLOAD)] });
    op = new Api(server.url);
    expect(await op.login('op', PASSWORD)).toBe(200);
    up = new Api(server.url, token);
    // One good bundle first, so "unchanged" is not "empty".
    const good = await up.post(`/api/v1/tenants/${T}/bundles`, demoBundle('win-finance-01'));
    expect(good.status, JSON.stringify(good.body)).toBe(202);
    await op.settle(T);
    before = await snapshot();
    expect(before.uploads).toHaveLength(1);
    expect(before.hosts).toHaveLength(1);
    expect(before.files).toHaveLength(1);
  });

  afterAll(async () => {
    await server?.stop();
  });

  /** Posts `body` and checks the refusal: status, reason, nothing stored, one audit entry. */
  const refused = async (
    body: Buffer | null,
    status: number | RegExp,
    reason: RegExp,
    headers: Record<string, string> = {},
  ): Promise<void> => {
    const audit = (await refusals()).length;
    const r = await up.req<{ error: string; message: string }>(
      'POST',
      `/api/v1/tenants/${T}/bundles?name=bad.zip`,
      body ?? undefined,
      headers,
    );
    if (typeof status === 'number') expect(r.status, JSON.stringify(r.body)).toBe(status);
    else expect(String(r.status), JSON.stringify(r.body)).toMatch(status);
    expect(r.body.message).toMatch(reason);
    expect(await snapshot()).toEqual(before);
    const after = await refusals();
    expect(after).toHaveLength(audit + 1);
    expect(after[0]?.reason).toBe(r.body.message);
  };

  it('refuses an empty body', async () => {
    await refused(null, 400, /empty upload/);
  });

  it('refuses what is not an archive', async () => {
    await refused(Buffer.from('this is a report, not a bundle\n'.repeat(50)), 415, /not an archive/);
    await refused(Buffer.from(JSON.stringify({ hostId: 'x' })), 415, /not an archive/);
  });

  it('refuses a zip bomb (300 MiB of zeros in a few hundred KiB)', async () => {
    const bomb = await deflatedZeros('files/zeros.bin', 300);
    const body = zipOf([manifest(), bomb]);
    expect(body.length).toBeLessThan(MAX_UPLOAD);
    await refused(body, 413, /zip bomb/);
  });

  it('refuses a zip whose member expands beyond its declared size', async () => {
    const bomb = await deflatedZeros('files/small.txt', 64);
    await refused(
      zipOf([manifest(), { ...bomb, claimed: 1000 }]),
      422,
      /expands beyond its declared size \(zip bomb\?\)/,
    );
  });

  it('refuses path traversal entries in zips and tarballs', async () => {
    const entries = [
      '../../etc/passwd',
      '/etc/cron.d/x',
      'files/../../../x',
      '..\\..\\windows\\x.dll',
      'C:/x',
    ];
    for (const name of entries)
      await refused(zipOf([manifest(), stored(name, 'owned')]), 422, /path traversal.*escapes the bundle/);
    const tgz = await makeTar({ 'chainhunt-host.json': manifest().data, '../../etc/x': 'owned' });
    await refused(tgz, 422, /path traversal.*escapes the bundle/);
    const tar = await makeTar({ 'chainhunt-host.json': manifest().data, '/etc/x': 'owned' }, false);
    await refused(tar, 422, /path traversal.*escapes the bundle/);
  });

  it('refuses an upload over --max-upload, declared or streamed', async () => {
    const big = makeZip({
      'chainhunt-host.json': manifest().data,
      'files/big.bin': Buffer.alloc(MAX_UPLOAD + 4096, 7),
    });
    await refused(big, 413, new RegExp(`larger than the ${MAX_UPLOAD}-byte limit`));
    // Without a Content-Length (chunked): cut off while streaming.
    const audit = (await refusals()).length;
    const r = await fetch(`${server.url}/api/v1/tenants/${T}/bundles`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: new ReadableStream({
        start(c) {
          for (let i = 0; i < 4; i++)
            c.enqueue(big.subarray(i * (big.length / 4), (i + 1) * (big.length / 4)));
          c.close();
        },
      }),
      duplex: 'half',
    });
    expect(r.status).toBe(413);
    expect(((await r.json()) as { message: string }).message).toMatch(/larger than/);
    expect(await snapshot()).toEqual(before);
    expect(await refusals()).toHaveLength(audit + 1);
  });

  it('refuses truncated archives', async () => {
    const zip = demoBundle('win-sales-03');
    await refused(zip.subarray(0, Math.floor(zip.length * 0.6)), 422, /truncated or corrupt zip/);
    const tgz = await makeTar(filesOf(path.join(demoFleet, 'win-sales-03')));
    await refused(tgz.subarray(0, Math.floor(tgz.length * 0.6)), 422, /truncated or corrupt tar/);
    await refused(Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.alloc(300, 0x41)]), 422, /corrupt tar/);
  });

  it('refuses a bundle without chainhunt-host.json, and an empty archive', async () => {
    await refused(makeZip({ 'network/dns.log': 'nothing' }), 422, /no chainhunt-host\.json/);
    await refused(zipOf([]), 422, /empty archive/);
  });

  it('refuses a bundle whose host manifest names no host', async () => {
    const dns = stored('network/dns.log', 'nothing');
    const bad: [string, string | Buffer, RegExp][] = [
      ['not JSON', '{not json', /chainhunt-host\.json: host manifest is not JSON/],
      ['no hostId', JSON.stringify({ schema: 'chainhunt-host/1' }), /host manifest invalid at hostId/],
      ['wrong schema', JSON.stringify({ schema: 'other/9', hostId: 'h' }), /host manifest invalid at schema/],
      ['hostId too long', JSON.stringify({ schema: 'chainhunt-host/1', hostId: 'x'.repeat(5000) }), /hostId/],
      ['an array', '[]', /host manifest invalid/],
      ['huge', Buffer.alloc(200 * 1024, 0x20), /host manifest larger than 65536 bytes/],
    ];
    for (const [, content, reason] of bad)
      await refused(zipOf([stored('chainhunt-host.json', content), dns]), 422, reason);
    // A fleet bundle: one good host and one bad manifest is refused whole, from a tarball too.
    const fleet = await makeTar({
      'a/chainhunt-host.json': manifest().data,
      'b/chainhunt-host.json': '{"schema":"chainhunt-host/1"}',
    });
    await refused(fleet, 422, /b\/chainhunt-host\.json: host manifest invalid at hostId/);
  });

  it('an upload cut off by the client leaves no temporary file', async () => {
    const audit = (await refusals()).length;
    const u = new URL(`${server.url}/api/v1/tenants/${T}/bundles`);
    const req = http.request({
      host: u.hostname,
      port: u.port,
      path: u.pathname,
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-length': String(500_000) },
    });
    req.on('error', () => undefined);
    req.write(demoBundle('win-pbx-05'));
    await new Promise((r) => setTimeout(r, 200));
    req.destroy();
    // The server notices, refuses and cleans up.
    for (let i = 0; i < 300 && (await refusals()).length === audit; i++)
      await new Promise((r) => setTimeout(r, 50));
    const after = await refusals();
    expect(after).toHaveLength(audit + 1);
    expect(after[0]?.reason).toMatch(/interrupted/);
    expect(await snapshot()).toEqual(before);
  });

  it('still takes a good bundle afterwards', async () => {
    const r = await up.post(`/api/v1/tenants/${T}/bundles`, demoBundle('win-sales-03'));
    expect(r.status).toBe(202);
    await op.settle(T);
    expect((await snapshot()).hosts).toHaveLength(2);
  });
});
