/**
 * The local admin channel: a running server takes `chainhunt admin` operations over a Unix socket
 * (a named pipe on Windows) in its data folder, so an operator can create a tenant, a user or a
 * token, or import intel, without stopping the server (the embedded store admits one process).
 *
 * Authentication: the socket is created with mode 0600 and every request must carry the secret
 * the server wrote to `admin.secret` (mode 0600) in the data folder when it started. Whoever can
 * read the data folder's secret can already read and change the whole store; nobody else can call.
 *
 * Protocol: one request per connection, one line of JSON `{secret, op, args}`, answered by one
 * line `{ok: true, result}` or `{ok: false, error}`. Requests are capped at {@link MAX_REQUEST}
 * bytes and must arrive within {@link REQUEST_TIMEOUT_MS}.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { AdminError, ADMIN_OPS, isAdminOp, type AdminHost, type AdminOp } from './ops.js';

export const MAX_REQUEST = 1024 * 1024;
export const REQUEST_TIMEOUT_MS = 10_000;
const SECRET_FILE = 'admin.secret';
const SOCKET_FILE = 'admin.sock';

/**
 * Where the channel listens for a data folder: `admin.sock` in it, or, when that path is too long
 * for a Unix socket (about 104 to 108 bytes), in a private folder (mode 0700, this user's) under
 * /tmp named after the data folder. A named pipe on Windows.
 */
export function adminSocketPath(dataDir: string): string {
  const dir = path.resolve(dataDir);
  const tag = createHash('sha256').update(dir).digest('hex').slice(0, 32);
  if (process.platform === 'win32') return `\\\\.\\pipe\\chainhunt-admin-${tag}`;
  const inDir = path.join(dir, SOCKET_FILE);
  if (socketPathFits(inDir)) return inDir;
  return path.join('/tmp', `chainhunt-admin-${process.getuid?.() ?? 0}-${tag.slice(0, 16)}`, SOCKET_FILE);
}

/** Whether a Unix socket can be made at `p` (its path is short enough). */
export function socketPathFits(p: string): boolean {
  return process.platform === 'win32' || Buffer.byteLength(p) < 100;
}

/**
 * Makes the private folder of a socket outside the data folder, or checks the one there: a real
 * folder (not a link), owned by this user, that nobody else may enter. Throws otherwise.
 */
function privateSocketDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  const uid = process.getuid?.();
  if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o077) !== 0)
    throw new Error(`${dir} is not a private folder of this user; remove it`);
}

export interface AdminChannel {
  readonly path: string;
  close(): Promise<void>;
}

/** Starts the channel for a running server. Resolves null (with the reason) when it cannot. */
export async function listenAdmin(
  host: AdminHost,
  onError: (message: string) => void = () => undefined,
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<AdminChannel | null> {
  const sock = adminSocketPath(host.dataDir);
  const outside = process.platform !== 'win32' && path.dirname(sock) !== path.resolve(host.dataDir);
  if (!socketPathFits(sock)) {
    onError(`admin channel off: the socket path ${sock} is too long; stop the server to use chainhunt admin`);
    return null;
  }
  if (outside)
    try {
      privateSocketDir(path.dirname(sock));
    } catch (err) {
      onError(`admin channel off: ${(err as Error).message}`);
      return null;
    }
  const secret = randomBytes(32).toString('hex');
  const secretFile = path.join(host.dataDir, SECRET_FILE);
  writeFileSync(secretFile, `${secret}\n`, { mode: 0o600 });
  chmodSync(secretFile, 0o600);
  // A socket file left by a killed server: nobody listens on it (the store lock says so).
  if (process.platform !== 'win32' && existsSync(sock)) rmSync(sock, { force: true });
  const want = Buffer.from(secret);
  const server = net.createServer((conn) => handle(conn, host, want, timeoutMs));
  server.maxConnections = 16;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(sock, () => {
        server.off('error', reject);
        resolve();
      });
    });
    if (process.platform !== 'win32') chmodSync(sock, 0o600);
  } catch (err) {
    rmSync(secretFile, { force: true });
    onError(`admin channel off: ${(err as Error).message}`);
    return null;
  }
  return {
    path: sock,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(secretFile, { force: true });
      if (process.platform !== 'win32') rmSync(sock, { force: true });
      if (outside) rmSync(path.dirname(sock), { recursive: true, force: true });
    },
  };
}

function handle(conn: net.Socket, host: AdminHost, want: Buffer, timeoutMs: number): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let done = false;
  let received = false;
  const answer = (body: { ok: true; result: unknown } | { ok: false; error: string }): void => {
    if (done) return;
    done = true;
    conn.end(`${JSON.stringify(body)}\n`);
  };
  conn.setTimeout(timeoutMs, () => {
    answer({ ok: false, error: `no complete request within ${timeoutMs} ms` });
    conn.destroy();
  });
  conn.on('error', () => undefined);
  conn.on('data', (d: Buffer) => {
    if (done || received) return;
    const nl = d.indexOf(0x0a);
    size += nl < 0 ? d.length : nl;
    if (size > MAX_REQUEST) {
      answer({ ok: false, error: `request over ${MAX_REQUEST} bytes` });
      return;
    }
    chunks.push(nl < 0 ? d : d.subarray(0, nl));
    if (nl < 0) return;
    received = true;
    conn.setTimeout(0);
    void run(Buffer.concat(chunks).toString('utf8'), host, want).then(answer);
  });
}

async function run(
  line: string,
  host: AdminHost,
  want: Buffer,
): Promise<{ ok: true; result: unknown } | { ok: false; error: string }> {
  let req: unknown;
  try {
    req = JSON.parse(line);
  } catch {
    return { ok: false, error: 'the request is not JSON' };
  }
  if (typeof req !== 'object' || req === null) return { ok: false, error: 'the request is not an object' };
  const { secret, op, args } = req as { secret?: unknown; op?: unknown; args?: unknown };
  const got = Buffer.from(typeof secret === 'string' ? secret : '');
  if (got.length !== want.length || !timingSafeEqual(got, want))
    return { ok: false, error: 'not authenticated: wrong or missing admin secret' };
  if (!isAdminOp(op)) return { ok: false, error: `unknown operation ${JSON.stringify(op)}` };
  if (typeof args !== 'object' || args === null) return { ok: false, error: 'args must be an object' };
  try {
    return { ok: true, result: await ADMIN_OPS[op](host, args) };
  } catch (err) {
    return {
      ok: false,
      error: err instanceof AdminError ? err.message : `failed: ${(err as Error).message}`,
    };
  }
}

/** The answer of a running server, or null when no server listens for this data folder. */
export type AdminCallResult = { ok: true; result: unknown } | { ok: false; error: string } | null;

/** Sends an operation to the server running on `dataDir`; null when none is running there. */
export async function callAdmin(dataDir: string, op: AdminOp, args: object): Promise<AdminCallResult> {
  const sock = adminSocketPath(dataDir);
  const secretFile = path.join(path.resolve(dataDir), SECRET_FILE);
  if (!socketPathFits(sock) || !existsSync(secretFile)) return null;
  const secret = readFileSync(secretFile, 'utf8').trim();
  return new Promise((resolve, reject) => {
    const conn = net.connect(sock);
    const chunks: Buffer[] = [];
    let size = 0;
    let connected = false;
    conn.on('connect', () => {
      connected = true;
      conn.write(`${JSON.stringify({ secret, op, args })}\n`);
    });
    conn.on('data', (d: Buffer) => {
      size += d.length;
      if (size > 16 * MAX_REQUEST) conn.destroy(new Error('answer too large'));
      else chunks.push(d);
    });
    conn.on('error', (err: NodeJS.ErrnoException) => {
      // Nothing listens: a server that stopped (or was killed) left the files behind.
      if (!connected && (err.code === 'ECONNREFUSED' || err.code === 'ENOENT')) resolve(null);
      else reject(new Error(`admin channel: ${err.message}`));
    });
    conn.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8').trim();
      try {
        resolve(JSON.parse(text) as AdminCallResult);
      } catch {
        reject(new Error(`admin channel: unreadable answer ${JSON.stringify(text.slice(0, 200))}`));
      }
    });
  });
}
