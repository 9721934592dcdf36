import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { compileRouteTable, type RouteTableInput } from '../../route-table/compile';
import { satisfies } from '../../route-table/access';
import { openApiDocument, type OpenApiDocument } from '../../openapi/document';
import { gatewayAnswers } from '../../openapi/gateway-answers';
import type { OperationDescription } from '../../openapi/operations';
import { localTarget, stageTarget } from '../../openapi/targets';
import { readServerlessYml } from '../../settings/project.cjs';
import { callers, routes } from '../../routes';
import { answerChecker, operationsOf } from '../../testkit/openapi';
import { ROOT } from '../../testkit/paths';
import { propertyRuns } from '../../testkit/property-runs';
import { fiftyRoutes } from '../../testkit/route-tables';

// The document `npm run -s openapi` prints (openapi/document.ts): exactly the table's routes,
// each with exactly its access as OpenAPI security.
const document = openApiDocument(localTarget({}), { routes, callers });
const byKey = (doc: OpenApiDocument) => new Map(operationsOf(doc).map((o) => [o.key, o.operation]));

/** A description for every route of a table, for tables other than routes.ts. */
function describeAll(table: RouteTableInput): Record<string, OperationDescription> {
  return Object.fromEntries(
    Object.keys(table).map((key, i) => [
      key,
      {
        operationId: `op${i}`,
        summary: key,
        answers: { 200: { description: 'ok', schema: 'Hello' } },
      },
    ]),
  );
}

it('has one operation per route of routes.ts, and no other', () => {
  const table = compileRouteTable(routes);
  expect(
    operationsOf(document)
      .map((o) => o.key)
      .sort(),
  ).toEqual(table.routes.map((r) => r.key.replace(/\{[^}]+\}/g, '{}')).sort());
  const ids = operationsOf(document).map((o) => o.operation.operationId);
  expect(new Set(ids).size).toBe(ids.length);
});

it("says each route's access as the table means it", () => {
  const ops = byKey(document);
  expect(ops.get('GET /api/hello')?.security).toEqual([]);
  expect(ops.get('GET /api/whoami')?.security).toEqual([{ okta: ['AccessAll'] }]);
  // anyOf: one alternative per scope.
  expect(ops.get('GET /api/messages')?.security).toEqual([
    { okta: ['ReadOnly'] },
    { okta: ['AccessAll'] },
  ]);
  // DPoP required: beside the scopes, in every alternative.
  expect(ops.get('POST /api/messages')?.security).toEqual([{ okta: ['AccessAll'], dpop: [] }]);
});

it('maps allOf, authenticated and DPoP allowed as OpenAPI means them', () => {
  const table: RouteTableInput = {
    'GET /a': { allOf: ['A', 'B'] },
    'GET /b': 'authenticated',
    'GET /c': { anyOf: ['A', 'B'], dpop: 'allowed' },
    'GET /d': { authenticated: true, dpop: 'required' },
  };
  const ops = byKey(
    openApiDocument(localTarget({}), {
      routes: table,
      callers: { clients: { c: { scopes: ['A', 'B'] } } },
      operations: describeAll(table),
    }),
  );
  expect(ops.get('GET /a')?.security).toEqual([{ okta: ['A', 'B'] }]);
  expect(ops.get('GET /b')?.security).toEqual([{ okta: [] }]);
  // Allowed: each alternative as a Bearer token, or as a DPoP-bound one.
  expect(ops.get('GET /c')?.security).toEqual([
    { okta: ['A'] },
    { okta: ['B'] },
    { okta: ['A'], dpop: [] },
    { okta: ['B'], dpop: [] },
  ]);
  expect(ops.get('GET /d')?.security).toEqual([{ okta: [], dpop: [] }]);
  // 403 only where scopes can be missing.
  expect(Object.keys(ops.get('GET /a')?.responses ?? {})).toEqual([
    '200',
    '401',
    '403',
    '429',
    '500',
  ]);
  expect(Object.keys(ops.get('GET /b')?.responses ?? {})).toEqual(['200', '401', '429', '500']);
});

it('lets a request in exactly when the route table does, for any table, token and presentation', () => {
  const SCOPES = ['A', 'B', 'C'];
  const access = fc.oneof(
    fc.constant('anonymous' as const),
    fc.constant('authenticated' as const),
    fc.record({
      kind: fc.constantFrom('allOf' as const, 'anyOf' as const),
      scopes: fc.uniqueArray(fc.constantFrom(...SCOPES), { minLength: 1 }),
      dpop: fc.constantFrom('off' as const, 'allowed' as const, 'required' as const),
    }),
  );
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.constantFrom('GET /a', 'POST /a', 'GET /b/{id}', 'DELETE /c'), {
        minLength: 1,
      }),
      fc.array(access, { minLength: 4, maxLength: 4 }),
      fc.subarray(SCOPES),
      fc.boolean(),
      (keys, accesses, tokenScopes, bound) => {
        const table: RouteTableInput = Object.fromEntries(
          keys.map((key, i) => {
            const a = accesses[i] as (typeof accesses)[number];
            return [
              key,
              typeof a === 'string'
                ? a
                : a.kind === 'allOf'
                  ? { allOf: a.scopes, dpop: a.dpop }
                  : { anyOf: a.scopes, dpop: a.dpop },
            ];
          }),
        );
        const doc = openApiDocument(localTarget({}), {
          routes: table,
          callers: { clients: {} },
          operations: describeAll(table),
        });
        const ops = byKey(doc);
        for (const route of compileRouteTable(table).routes) {
          const security = ops.get(route.key.replace(/\{[^}]+\}/g, '{}'))?.security ?? [];
          // An empty list: no security at all. Otherwise, any alternative all of whose schemes the
          // request meets: the token's scopes, presented as DPoP exactly when it names dpop.
          const documented =
            security.length === 0 ||
            security.some(
              (alt) =>
                (alt.okta ?? []).every((s) => tokenScopes.includes(s)) && 'dpop' in alt === bound,
            );
          const expected =
            route.access === 'anonymous' ||
            (satisfies(route.access, tokenScopes) &&
              (route.dpop === 'allowed' || (route.dpop === 'required') === bound));
          if (documented !== expected) return false;
        }
        return true;
      },
    ),
    propertyRuns(300),
  );
});

it('describes every scope: the routes it opens and who may get it', () => {
  const schemes = (document.components as { securitySchemes: Record<string, any> }).securitySchemes; // eslint-disable-line @typescript-eslint/no-explicit-any
  const { flows } = schemes.okta;
  expect(Object.keys(flows.clientCredentials.scopes).sort()).toEqual(
    compileRouteTable(routes).scopes,
  );
  expect(flows.clientCredentials.scopes.ReadOnly).toBe(
    'Opens GET /api/messages (any of ReadOnly, AccessAll). Granted to reporting-job, ' +
      "the browser app's API Admins, the browser app's Everyone.",
  );
  expect(flows.authorizationCode).toEqual({
    authorizationUrl: 'http://127.0.0.1:4000/oauth2/default/v1/authorize',
    tokenUrl: 'http://127.0.0.1:4000/oauth2/default/v1/token',
    scopes: flows.clientCredentials.scopes,
  });
  expect(schemes.okta.description).toContain('PKCE');
  expect(schemes.dpop).toMatchObject({ type: 'http', scheme: 'DPoP' });
});

it("describes the gateway's answers as serverless.yml sets them", () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const resources = (readServerlessYml() as any).resources.Resources;
  const template = JSON.parse(
    resources.GatewayResponseUnauthorized.Properties.ResponseTemplates['application/json'],
  );
  const schemas = (document.components as { schemas: Record<string, unknown> }).schemas;
  expect(schemas.Unauthorized).toEqual({
    type: 'object',
    properties: { message: { const: template.message }, error: { const: template.error } },
    required: ['message', 'error'],
    additionalProperties: false,
  });
  const responses = (document.components as { responses: Record<string, any> }).responses; // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(responses.Forbidden.headers['WWW-Authenticate'].schema.examples).toEqual([
    'Bearer error="insufficient_scope"',
  ]);
  // A response type serverless.yml leaves alone: API Gateway's own body.
  expect(gatewayAnswers({ resources: { Resources: {} } }).throttled.schema).toMatchObject({
    properties: { message: { const: 'Too Many Requests' } },
  });
});

it('describes a deployed stage from its settings alone', () => {
  const stage = openApiDocument(
    stageTarget(
      {
        OKTA_ISSUER: 'https://dev-1.okta.com/oauth2/default,https://dev-2.okta.com/oauth2/aus1',
        DPOP_HOSTS: 'api.acme.dev',
      },
      'prod',
      'eu-west-1',
    ),
    { routes, callers },
  );
  expect(stage.servers).toEqual([
    expect.objectContaining({ url: 'https://api.acme.dev' }),
    expect.objectContaining({
      url: 'https://{restApiId}.execute-api.eu-west-1.amazonaws.com/prod',
      variables: { restApiId: expect.objectContaining({ default: 'restApiId' }) },
    }),
  ]);
  const okta = (stage.components as { securitySchemes: Record<string, any> }).securitySchemes.okta; // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(okta.flows.clientCredentials.tokenUrl).toBe(
    'https://dev-1.okta.com/oauth2/default/v1/token',
  );
  expect(okta.description).toContain('https://dev-2.okta.com/oauth2/aus1');
});

it('refuses a route it cannot describe, and a description of no route, naming each', () => {
  const table: RouteTableInput = { 'GET /a': 'authenticated', 'GET /b': 'anonymous' };
  const described = describeAll(table);
  const { ['GET /b']: _, ...withoutB } = described;
  expect(() =>
    openApiDocument(localTarget({}), {
      routes: table,
      callers: { clients: {} },
      operations: withoutB,
    }),
  ).toThrow('routes.ts has GET /b, which openapi/operations.ts does not describe');
  expect(() =>
    openApiDocument(localTarget({}), {
      routes: { 'GET /a': 'authenticated' },
      callers: { clients: {} },
      operations: described,
    }),
  ).toThrow('openapi/operations.ts describes GET /b, which routes.ts does not have');
});

it('scales to the 50-route table: every route, one operation each', () => {
  const table = fiftyRoutes();
  const doc = openApiDocument(localTarget({}), {
    routes: table,
    callers: { clients: {} },
    operations: describeAll(table),
  });
  expect(operationsOf(doc)).toHaveLength(50);
});

it('docs/openapi.json is the document npm run -s openapi prints (regenerate it with that)', () => {
  const committed = readFileSync(join(ROOT, 'docs/openapi.json'), 'utf8');
  expect(JSON.parse(committed)).toEqual(document);
});

describe('the contract check (testkit/openapi.ts) refuses an answer the document does not describe', () => {
  const check = answerChecker(document);
  const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
    status,
    headers: new Headers(headers),
    body: JSON.stringify(body),
  });
  const identity = {
    sub: 'a',
    scopes: ['AccessAll'],
    issuer: 'http://127.0.0.1:4000/oauth2/default',
    expiresAt: '2026-12-04T00:00:00.000Z',
  };

  it('passes a described answer', () => {
    expect(
      check('GET', '/api/whoami', answer(200, identity, { 'cache-control': 'no-store' })),
    ).toEqual([]);
  });
  it.each([
    [
      'a status the operation does not list',
      'GET',
      '/api/hello',
      answer(403, { message: 'Forbidden' }),
    ],
    [
      'a body missing a property',
      'GET',
      '/api/whoami',
      answer(200, { sub: 'a' }, { 'cache-control': 'no-store' }),
    ],
    [
      'a property the schema does not have',
      'GET',
      '/api/whoami',
      answer(200, { ...identity, extra: 1 }, { 'cache-control': 'no-store' }),
    ],
    ['no Cache-Control: no-store', 'GET', '/api/whoami', answer(200, identity)],
    [
      'no WWW-Authenticate on a 401',
      'GET',
      '/api/whoami',
      answer(401, { message: 'Unauthorized', error: 'invalid_token' }),
    ],
    [
      'another 401 body',
      'GET',
      '/api/whoami',
      answer(401, { message: 'Nope' }, { 'www-authenticate': 'Bearer' }),
    ],
    ['an operation it does not have', 'DELETE', '/api/whoami', answer(200, {})],
  ])('%s', (_name, method, path, sent) => {
    expect(check(method, path, sent)).not.toEqual([]);
  });
});
