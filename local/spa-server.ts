/**
 * `npm start`'s demo app: bundled with esbuild at start, served on its own origin; and the API
 * reference at /docs (local/api-docs.ts).
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import { type ApiDocs, serveApiDocs } from './api-docs';

export interface SpaConfig {
  issuer: string;
  clientId: string;
  apiUrl: string;
  scopes: string[];
}

export interface SpaServer {
  url: string;
  port: number;
  /** What the app is told at /config.json, and what /docs shows; until then both answer 503. */
  configure(config: SpaConfig, docs?: ApiDocs): void;
  close(): Promise<void>;
}

/**
 * Listens first (port 0: any free one), so the local issuer can be told the app's origin for its
 * redirect URI; the app's configuration follows once the API and the issuer are up.
 */
export async function startSpa(port: number): Promise<SpaServer> {
  let config: SpaConfig | undefined;
  let docs: ApiDocs | undefined;
  let origin = '';
  const bundled = await build({
    entryPoints: [join(__dirname, 'spa/app.ts')],
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const script = bundled.outputFiles[0]?.contents as Uint8Array;
  const page = readFileSync(join(__dirname, 'spa/index.html'));
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] as string;
    if (serveApiDocs(path, origin, docs, res)) return;
    if (path === '/app.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    } else if (path === '/config.json') {
      if (config) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(config));
      } else {
        res.writeHead(503, { 'retry-after': '1' }).end();
      }
    } else {
      // Every other path is the app (its /login/callback included).
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, 'localhost', () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  origin = `http://localhost:${bound}`;
  return {
    url: origin,
    port: bound,
    configure: (value, reference) => {
      config = value;
      docs = reference;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
