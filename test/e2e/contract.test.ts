import * as oidc from 'openid-client';
import { freePort } from '../../local/ports';
import { compileRouteTable, type Route } from '../../route-table/compile';
import { satisfies } from '../../route-table/access';
import { routes } from '../../routes';
import type { OpenApiDocument } from '../../openapi/document';
import { operations } from '../../openapi/operations';
import { answerChecker, operationsOf, requestKey } from '../../testkit/openapi';
import { isolatedEnv, type Running } from '../../testkit/processes';
import { startLocalStack } from '../../testkit/local-stack';
import { requestToken } from '../../testkit/token-request';

// The contract: the local stack's real answers, for every route of routes.ts, are the ones the
// OpenAPI document it serves (/docs/openapi.json) describes, status, body schema and headers.
// Each route is called with no token, a token with too few scopes (where one exists), a good
// token, and a DPoP-bound token with its proof where the route takes DPoP.
let stack: Running;
let api: string;
let issuer: string;
let client: { id: string; secret: string };
let document: OpenApiDocument;
let check: ReturnType<typeof answerChecker>;
let config: oidc.Configuration;
const table = compileRouteTable(routes);

beforeAll(async () => {
  stack = await startLocalStack(isolatedEnv({ API_PORT: String(await freePort()) }));
  const field = (label: string) =>
    new RegExp(`^\\s+${label}\\s+(\\S+)`, 'm').exec(stack.output())?.[1] as string;
  issuer = field('Issuer');
  client = { id: field('Client ID'), secret: field('Secret') };
  api = /^\s+GET (http:\/\/localhost:\d+)\/api\/hello/m.exec(stack.output())?.[1] as string;
  document = (await (await fetch(`${field('API docs')}/openapi.json`)).json()) as OpenApiDocument;
  check = answerChecker(document);
  config = await oidc.discovery(new URL(issuer), client.id, client.secret, undefined, {
    execute: [oidc.allowInsecureRequests],
  });
}, 150_000);
afterAll(() => stack?.stop());

/** A concrete URL path for a route's template. */
const concrete = (route: Route) =>
  `/${route.segments.map((s) => (s.kind === 'literal' ? s.value : 'x')).join('/')}`;

/** The request body the document's example gives (properties' first examples). */
function exampleBody(route: Route): string | undefined {
  const op = operationsOf(document).find(
    (o) => o.key === requestKey(route.method, route.key.split(' ')[1] as string),
  );
  const ref = (
    op?.operation.requestBody as
      { content: Record<string, { schema: { $ref: string } }> } | undefined
  )?.content['application/json']?.schema.$ref;
  if (!ref) return undefined;
  const name = ref.split('/').at(-1) as string;
  const schema = (
    document.components as {
      schemas: Record<string, { properties: Record<string, { examples: unknown[] }> }>;
    }
  ).schemas[name];
  return JSON.stringify(
    Object.fromEntries(
      Object.entries(schema?.properties ?? {}).map(([k, v]) => [k, v.examples[0]]),
    ),
  );
}

interface Sent {
  status: number;
  problems: string[];
}

async function send(
  route: Route,
  headers: Record<string, string>,
  body = exampleBody(route),
): Promise<Sent> {
  const path = concrete(route);
  const response = await fetch(`${api}${path}`, {
    method: route.method,
    headers: { ...(body && { 'content-type': 'application/json' }), ...headers },
    ...(body && { body }),
  });
  return checked(route, path, response);
}

/** The answer's status, and what the document says is wrong with it. */
async function checked(route: Route, path: string, response: Response): Promise<Sent> {
  const body = await response.text();
  return {
    status: response.status,
    problems: check(route.method, path, {
      status: response.status,
      headers: response.headers,
      body,
    }),
  };
}

/** A DPoP-bound token with `scopes`, and a request with a fresh proof for it. */
async function sendBound(route: Route, scopes: string[], body = exampleBody(route)): Promise<Sent> {
  const handle = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair('ES256'));
  const token = await oidc.clientCredentialsGrant(
    config,
    { scope: scopes.join(' ') },
    { DPoP: handle },
  );
  const path = concrete(route);
  const response = await oidc
    .fetchProtectedResource(
      config,
      token.access_token,
      new URL(`${api}${path}`),
      route.method,
      body,
      new Headers(body ? { 'content-type': 'application/json' } : {}),
      { DPoP: handle },
    )
    .catch((error: unknown) => {
      if (error instanceof oidc.WWWAuthenticateChallengeError) return error.response;
      throw error;
    });
  return checked(route, path, response);
}

/** The smallest scope set that passes, and one of the table's scopes that does not (if any). */
function scopeSets(route: Route): { good: string[]; tooFew?: string[] } {
  if (route.access === 'anonymous' || route.access.kind === 'authenticated')
    return { good: table.scopes.slice(0, 1) };
  const good =
    route.access.kind === 'allOf' ? [...route.access.scopes] : [route.access.scopes[0] as string];
  const requirement = route.access;
  const tooFew = table.scopes.map((s) => [s]).find((set) => !satisfies(requirement, set));
  return { good, ...(tooFew && { tooFew }) };
}

describe.each(table.routes.map((route) => [route.key, route] as const))('%s', (_key, route) => {
  const bearerToken = async (scopes: string[]) => ({
    authorization: `Bearer ${await requestToken(issuer, client, scopes.join(' '))}`,
  });
  const success = route.method === 'POST' ? 201 : 200;

  it('with no token: as documented', async () => {
    const sent = await send(route, {});
    expect(sent).toEqual({ status: route.access === 'anonymous' ? success : 401, problems: [] });
  });

  it('with a good token: as documented', async () => {
    const { good } = scopeSets(route);
    const sent =
      route.dpop === 'required'
        ? await sendBound(route, good)
        : await send(route, await bearerToken(good));
    expect(sent).toEqual({ status: success, problems: [] });
  });

  if (route.access !== 'anonymous' && scopeSets(route).tooFew) {
    it('with too few scopes: as documented', async () => {
      const tooFew = scopeSets(route).tooFew as string[];
      const sent =
        route.dpop === 'required'
          ? await sendBound(route, tooFew)
          : await send(route, await bearerToken(tooFew));
      expect(sent).toEqual({ status: 403, problems: [] });
    });
  }

  if (route.dpop !== 'off') {
    it('with a DPoP-bound token and its proof: as documented', async () => {
      expect(await sendBound(route, scopeSets(route).good)).toEqual({
        status: success,
        problems: [],
      });
    });
  }
  if (route.dpop === 'required') {
    it('with a good token as Bearer: as documented', async () => {
      expect(await send(route, await bearerToken(scopeSets(route).good))).toEqual({
        status: 401,
        problems: [],
      });
    });
  }

  if (operations[route.key]?.requestBody) {
    it('with a body that is not the schema: as documented', async () => {
      const { good } = scopeSets(route);
      const bad = '{"text": ""}';
      const sent =
        route.dpop === 'required'
          ? await sendBound(route, good, bad)
          : await send(route, await bearerToken(good), bad);
      expect(sent).toEqual({ status: 400, problems: [] });
    });
  }
});

it('the document it serves is the one npm run openapi prints for it, operation for operation', () => {
  expect(
    operationsOf(document)
      .map((o) => o.key)
      .sort(),
  ).toEqual(table.routes.map((r) => requestKey(r.method, r.key.split(' ')[1] as string)).sort());
  expect((document.servers as { url: string }[])[0]?.url).toBe(api);
});
