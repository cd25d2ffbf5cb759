import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import swagger from '@fastify/swagger';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_CSP, registerDashboard } from './static.js';

describe('registerDashboard', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ch-static-'));
  const app = Fastify();
  const big = `console.log(${JSON.stringify('x'.repeat(5000))});`;

  beforeAll(async () => {
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(
      path.join(dir, 'index.html'),
      '<!doctype html><title>t</title><script type="module" src="/assets/app-1.js"></script>',
    );
    writeFileSync(path.join(dir, 'assets', 'app-1.js'), big);
    writeFileSync(path.join(dir, 'assets', 'app-1.css'), 'body{}');
    writeFileSync(path.join(dir, 'assets', 'icon-1.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(path.join(tmpdir(), 'ch-static-secret.txt'), 'secret');
    symlinkSync(path.join(tmpdir(), 'ch-static-secret.txt'), path.join(dir, 'assets', 'link.txt'));
    app.get('/api/v1/health', () => ({ status: 'ok' }));
    registerDashboard(app, dir);
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(path.join(tmpdir(), 'ch-static-secret.txt'), { force: true });
  });

  it('serves index.html at / and for app paths, with the CSP and no caching', async () => {
    for (const url of ['/', '/t/acme/impact?key=advisory%3ACVE-2023-29059', '/t/acme/hosts/win-finance-01']) {
      const r = await app.inject({ url });
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(r.headers['content-security-policy']).toBe(DASHBOARD_CSP);
      expect(r.headers['cache-control']).toBe('no-cache');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.body).toContain('/assets/app-1.js');
    }
    expect(DASHBOARD_CSP).toContain("script-src 'self'");
    expect(DASHBOARD_CSP).not.toContain('unsafe-inline');
  });

  it('serves hashed assets with their types as immutable, gzipped when asked, 304 on a matching ETag', async () => {
    const js = await app.inject({ url: '/assets/app-1.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toContain('immutable');
    expect(js.body).toBe(big);
    const gz = await app.inject({ url: '/assets/app-1.js', headers: { 'accept-encoding': 'gzip, br' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(big);
    const again = await app.inject({
      url: '/assets/app-1.js',
      headers: { 'if-none-match': String(js.headers['etag']) },
    });
    expect(again.statusCode).toBe(304);
    expect((await app.inject({ url: '/assets/app-1.css' })).headers['content-type']).toBe(
      'text/css; charset=utf-8',
    );
    expect((await app.inject({ url: '/assets/icon-1.svg' })).headers['content-type']).toBe('image/svg+xml');
  });

  it('answers 404 for missing files, symlinks, traversal and unknown API paths; API routes still win', async () => {
    expect((await app.inject({ url: '/assets/missing.js' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/favicon.ico' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/assets/link.txt' })).statusCode).toBe(404);
    const trav = await app.inject({ url: '/assets/..%2f..%2fetc%2fpasswd' });
    expect(trav.statusCode).toBe(404);
    expect(trav.body).not.toContain('root:');
    const api = await app.inject({ url: '/api/v1/nope' });
    expect(api.statusCode).toBe(404);
    expect(api.json()).toMatchObject({ error: 'not_found' });
    expect((await app.inject({ url: '/api/v1/health' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ url: '/%E0%A4%A' })).statusCode).toBe(400);
  });

  it('answers HEAD like GET without a body', async () => {
    const r = await app.inject({ method: 'HEAD', url: '/t/acme' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.body).toBe('');
  });

  it('keeps its routes out of the OpenAPI document', async () => {
    const withDoc = Fastify();
    await withDoc.register(swagger, { openapi: { openapi: '3.0.3', info: { title: 't', version: '1' } } });
    withDoc.get('/api/v1/health', () => ({ status: 'ok' }));
    registerDashboard(withDoc, dir);
    await withDoc.ready();
    const doc = withDoc.swagger() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(['/api/v1/health']);
    await withDoc.close();
  });

  it('without a build, pages answer 404 with a hint', async () => {
    const empty = Fastify();
    registerDashboard(empty, path.join(dir, 'does-not-exist'));
    const r = await empty.inject({ url: '/' });
    expect(r.statusCode).toBe(404);
    expect(r.body).toContain('build:web');
    await empty.close();
  });
});
