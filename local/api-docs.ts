/**
 * The API reference at /docs on the demo app's server: the OpenAPI document of this stack
 * (openapi/document.ts) rendered by Swagger UI, served from its npm package (swagger-ui-dist):
 * nothing is fetched from a CDN. "Authorize" gets a token from the stack's issuer: the demo app's
 * client with PKCE, or client credentials with a client id and secret from the banner.
 */
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';

export interface ApiDocs {
  /** The OpenAPI document, as `npm run openapi` prints it for this stack... */
  document?: object;
  /** ...or why there is none (a route openapi/operations.ts does not describe). */
  error?: string;
  /** The browser app's client (authorization code with PKCE), when the stack has one. */
  clientId?: string;
  /** OpenID scopes the sign-in asks for besides the API's. */
  scopes: string[];
}

/** Swagger UI's files, as the page asks for them. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css',
  'swagger-ui-bundle.js': 'text/javascript',
  'oauth2-redirect.html': 'text/html; charset=utf-8',
  'oauth2-redirect.js': 'text/javascript',
};

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>API reference</title>
    <link rel="stylesheet" href="/docs/swagger-ui.css" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/swagger-ui-bundle.js"></script>
    <script src="/docs/init.js"></script>
  </body>
</html>
`;

/** The page's set-up: the document beside it, and the sign-in that "Authorize" offers. */
function initScript(origin: string, docs: ApiDocs): string {
  const oauth = {
    ...(docs.clientId && { clientId: docs.clientId }),
    usePkceWithAuthorizationCodeGrant: true,
    scopes: docs.scopes,
  };
  return `window.ui = SwaggerUIBundle({
  url: '/docs/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  oauth2RedirectUrl: ${JSON.stringify(`${origin}/docs/oauth2-redirect.html`)},
  showExtensions: true,
});
window.ui.initOAuth(${JSON.stringify(oauth)});
`;
}

const assetPath = (name: string) =>
  join(dirname(require.resolve('swagger-ui-dist/package.json')), name);

/** Answers a request under /docs; false for any other path. Until `docs` is known, 503. */
export function serveApiDocs(
  path: string,
  origin: string,
  docs: ApiDocs | undefined,
  res: ServerResponse,
): boolean {
  if (path !== '/docs' && !path.startsWith('/docs/')) return false;
  const name = path.slice('/docs/'.length);
  if (!docs) {
    res.writeHead(503, { 'retry-after': '1' }).end();
  } else if (!docs.document) {
    res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`${docs.error}\n`);
  } else if (path === '/docs' || name === '' || name === 'index.html') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
  } else if (name === 'openapi.json') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(docs.document));
  } else if (name === 'init.js') {
    res.writeHead(200, { 'content-type': 'text/javascript' }).end(initScript(origin, docs));
  } else if (ASSETS[name]) {
    res.writeHead(200, { 'content-type': ASSETS[name] }).end(readFileSync(assetPath(name)));
  } else {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
  }
  return true;
}
