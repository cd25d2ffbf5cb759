/**
 * Test helper (not shipped behaviour): an HTTP server on 127.0.0.1 (port 0) serving feed documents
 * with ETag/Last-Modified and 304 answers, custom handlers, and a log of the requests it got.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IntelBundle } from '../../core/intel.js';
import { countsOf, parseFeedDocument } from './import.js';
import type { FeedItemFormat, ImportIntel } from './types.js';

/** A static document. */
export interface StaticDoc {
  body: string | Uint8Array;
  type: string;
  etag?: string;
  lastModified?: string;
  /** Extra response headers. */
  headers?: Record<string, string>;
  /** Status (default 200). */
  status?: number;
}

/** A custom route. */
export type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void;

/** One logged request. */
export interface LoggedRequest {
  path: string;
  search: string;
  headers: IncomingMessage['headers'];
}

/** The running server. */
export interface FeedTestServer {
  url: string;
  /** Routes by path (without query). */
  routes: Map<string, StaticDoc | Handler>;
  requests: LoggedRequest[];
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1, port 0. */
export async function startFeedServer(): Promise<FeedTestServer> {
  const routes = new Map<string, StaticDoc | Handler>();
  const requests: LoggedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ path: url.pathname, search: url.search, headers: req.headers });
    const route = routes.get(url.pathname);
    if (route === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (typeof route === 'function') {
      route(req, res, url);
      return;
    }
    const headers: Record<string, string> = { 'content-type': route.type, ...route.headers };
    if (route.etag) headers['etag'] = route.etag;
    if (route.lastModified) headers['last-modified'] = route.lastModified;
    const inm = req.headers['if-none-match'];
    const ims = req.headers['if-modified-since'];
    if (
      (route.etag && inm === route.etag) ||
      (!route.etag && route.lastModified && ims === route.lastModified)
    ) {
      res.writeHead(304, headers).end();
      return;
    }
    headers['content-length'] = String(Buffer.byteLength(route.body));
    res.writeHead(route.status ?? 200, headers).end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    routes,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An ImportIntel that parses with the real importers and keeps what it was given. */
export function recordingImporter(): {
  importIntel: ImportIntel;
  docs: { name: string; format: FeedItemFormat; text: string; intel: IntelBundle }[];
} {
  const docs: { name: string; format: FeedItemFormat; text: string; intel: IntelBundle }[] = [];
  return {
    docs,
    importIntel: async (doc) => {
      const r = await parseFeedDocument(doc);
      docs.push({
        name: doc.name,
        format: doc.format,
        text: Buffer.from(doc.content).toString('utf8'),
        intel: r.intel,
      });
      return countsOf(r);
    },
  };
}
