/**
 * Serves the built dashboard (dist/web) at `/`: files with their content types, hashed assets
 * cached as immutable, `index.html` for every other non-API path (the app routes in the browser),
 * and a strict Content-Security-Policy (scripts, styles and connections from this origin only; no
 * inline scripts). The files are read once at start (the build is a few hundred KiB; bounded below).
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** The dashboard's Content-Security-Policy. */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

const MAX_FILE = 16 * 1024 * 1024;
const MAX_TOTAL = 64 * 1024 * 1024;
const MAX_FILES = 2000;

interface StaticFile {
  body: Buffer;
  gzip: Buffer | null;
  type: string;
  etag: string;
  immutable: boolean;
}

/** Reads the build into memory: `/rel/path` → file. Symlinks and oversized files are skipped. */
export function loadDashboard(dir: string): Map<string, StaticFile> {
  const out = new Map<string, StaticFile>();
  let total = 0;
  const walk = (abs: string, rel: string): void => {
    for (const name of readdirSync(abs).sort()) {
      if (out.size >= MAX_FILES) return;
      const a = path.join(abs, name);
      const r = `${rel}/${name}`;
      const st = lstatSync(a);
      if (st.isDirectory()) walk(a, r);
      else if (st.isFile() && st.size <= MAX_FILE && total + st.size <= MAX_TOTAL) {
        const type = TYPES[path.extname(name).toLowerCase()] ?? 'application/octet-stream';
        const body = readFileSync(a);
        total += body.length;
        const compressible = /^(text\/|application\/json|image\/svg)/.test(type) && body.length > 1024;
        out.set(r, {
          body,
          gzip: compressible ? gzipSync(body, { level: 9 }) : null,
          type,
          etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
          immutable: r.startsWith('/assets/'),
        });
      }
    }
  };
  if (existsSync(dir)) walk(dir, '');
  return out;
}

function send(req: FastifyRequest, reply: FastifyReply, f: StaticFile): FastifyReply {
  void reply
    .header('content-type', f.type)
    .header('content-security-policy', DASHBOARD_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('cache-control', f.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
    .header('etag', f.etag)
    .header('vary', 'accept-encoding');
  if (req.headers['if-none-match'] === f.etag) return reply.code(304).send();
  const accepts = String(req.headers['accept-encoding'] ?? '');
  if (f.gzip && /\bgzip\b/.test(accepts)) {
    void reply.header('content-encoding', 'gzip');
    return reply.send(f.gzip);
  }
  return reply.send(f.body);
}

/**
 * Registers the dashboard in `dir` (an index.html and its assets) at `/`. Paths under `/api/` are
 * never answered here. A missing build answers 404 with a hint instead of failing the server.
 */
export function registerDashboard(app: FastifyInstance, dir: string): void {
  const files = loadDashboard(dir);
  const index = files.get('/index.html');
  const handler = (req: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const url = req.url;
    const q = url.indexOf('?');
    let p = q >= 0 ? url.slice(0, q) : url;
    try {
      p = decodeURIComponent(p);
    } catch {
      return reply.code(400).send({ error: 'bad_request', message: 'malformed path' });
    }
    if (p === '/api' || p.startsWith('/api/'))
      return reply.code(404).send({ error: 'not_found', message: `no route ${req.method} ${p}` });
    const f = files.get(p);
    if (f && p !== '/index.html') return send(req, reply, f);
    // A path that names a file (assets, anything with an extension) and is not there is a 404;
    // every other path is a page of the app.
    if (p.startsWith('/assets/') || /\.[A-Za-z0-9]{1,8}$/.test(p))
      return reply.code(404).type('text/plain; charset=utf-8').send('not found');
    if (!index)
      return reply
        .code(404)
        .type('text/plain; charset=utf-8')
        .send('The dashboard is not built: run `npm run build:web` (dist/web/index.html is missing).');
    return send(req, reply, index);
  };
  // Not part of the API: kept out of the OpenAPI document.
  app.route({ method: 'GET', url: '/', schema: { hide: true }, handler });
  app.route({ method: 'GET', url: '/*', schema: { hide: true }, handler });
}
