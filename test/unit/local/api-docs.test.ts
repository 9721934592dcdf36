import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ApiDocs, serveApiDocs } from '../../../local/api-docs';

// /docs on the demo app's server (local/api-docs.ts): the page, its document, Swagger UI's files
// from the npm package, and what it answers before the stack is up or without a document.
let docs: ApiDocs | undefined;
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (!serveApiDocs(req.url as string, 'http://localhost:8080', docs, res)) {
      res.writeHead(418).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const get = async (path: string) => {
  const response = await fetch(`${base}${path}`);
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    text: await response.text(),
  };
};

it('answers 503 until the stack is up, and leaves other paths to the app', async () => {
  docs = undefined;
  expect((await get('/docs')).status).toBe(503);
  expect((await get('/documents')).status).toBe(418);
  expect((await get('/')).status).toBe(418);
});

it("serves the page, the stack's document, the set-up and Swagger UI's files", async () => {
  docs = { document: { openapi: '3.1.1' }, clientId: 'spa', scopes: ['openid'] };
  expect(await get('/docs')).toMatchObject({ status: 200, type: 'text/html; charset=utf-8' });
  expect((await get('/docs/')).text).toContain('<script src="/docs/swagger-ui-bundle.js">');
  expect(JSON.parse((await get('/docs/openapi.json')).text)).toEqual({ openapi: '3.1.1' });
  const init = (await get('/docs/init.js')).text;
  expect(init).toContain('"http://localhost:8080/docs/oauth2-redirect.html"');
  expect(init).toContain(
    '{"clientId":"spa","usePkceWithAuthorizationCodeGrant":true,"scopes":["openid"]}',
  );
  expect(await get('/docs/swagger-ui-bundle.js')).toMatchObject({
    status: 200,
    type: 'text/javascript',
  });
  expect(await get('/docs/oauth2-redirect.html')).toMatchObject({ status: 200 });
  expect((await get('/docs/../package.json')).status).not.toBe(200);
  expect((await get('/docs/package.json')).status).toBe(404);
});

it('without a document, says why on every page of /docs', async () => {
  docs = {
    error: 'routes.ts has GET /x, which openapi/operations.ts does not describe',
    scopes: [],
  };
  expect(await get('/docs')).toEqual({
    status: 500,
    type: 'text/plain; charset=utf-8',
    text: 'routes.ts has GET /x, which openapi/operations.ts does not describe\n',
  });
});
