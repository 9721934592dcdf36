import { type OktaOrgStandIn, startOktaOrg } from '../../testkit/okta-org';

// The management API stand-in holds to Okta's published answers for the cases `npm run okta`
// relies on, so the tool's tests cannot pass against behaviour Okta does not have.
let org: OktaOrgStandIn;
beforeEach(async () => {
  org = await startOktaOrg();
});
afterEach(() => org.close());

const call = async (method: string, path: string, body?: unknown, token = org.token) => {
  const response = await fetch(`${org.orgUrl}/api/v1${path}`, {
    method,
    headers: {
      authorization: `SSWS ${token}`,
      'content-type': 'application/json',
      accept: 'application/json',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test reads of Okta's JSON
    body: (text ? JSON.parse(text) : undefined) as Record<string, any>,
  };
};
const policy = (name: string, priority?: number) => ({
  type: 'OAUTH_AUTHORIZATION_POLICY',
  name,
  priority,
  conditions: { clients: { include: ['0oa1'] } },
});

it('creates a server with 201, an app and a trusted origin with 200', async () => {
  expect(
    (await call('POST', '/authorizationServers', { name: 's', audiences: ['api://s'] })).status,
  ).toBe(201);
  const app = await call('POST', '/apps', {
    label: 'a',
    signOnMode: 'OPENID_CONNECT',
    credentials: { oauthClient: { token_endpoint_auth_method: 'client_secret_basic' } },
    settings: { oauthClient: { grant_types: ['client_credentials'] } },
  });
  expect(app.status).toBe(200);
  const origin = await call('POST', '/trustedOrigins', {
    name: 'o',
    origin: 'https://a.example.com',
    scopes: [{ type: 'CORS' }],
  });
  expect(origin.status).toBe(200);
});

it('shows a client_secret only in the answer that created the app', async () => {
  const created = await call('POST', '/apps', {
    label: 'a',
    signOnMode: 'OPENID_CONNECT',
    credentials: { oauthClient: { token_endpoint_auth_method: 'client_secret_basic' } },
    settings: { oauthClient: { grant_types: ['client_credentials'] } },
  });
  expect(created.body.credentials.oauthClient.client_secret).toEqual(expect.any(String));
  const read = await call('GET', `/apps/${created.body.id}`);
  expect(read.body.credentials.oauthClient).not.toHaveProperty('client_secret');
  expect((await call('GET', '/apps?q=a')).body[0].credentials.oauthClient).not.toHaveProperty(
    'client_secret',
  );
});

it('renumbers policy priorities 1..n when one is inserted or moved', async () => {
  const server = (
    await call('POST', '/authorizationServers', { name: 's', audiences: ['api://s'] })
  ).body;
  const base = `/authorizationServers/${server.id}/policies`;
  const a = (await call('POST', base, policy('a'))).body;
  await call('POST', base, policy('b'));
  const c = (await call('POST', base, policy('c', 1))).body;
  expect(
    (await call('GET', base)).body.map(
      (p: { name: string; priority: number }) => `${p.name}${p.priority}`,
    ),
  ).toEqual(['c1', 'a2', 'b3']);
  await call('PUT', `${base}/${a.id}`, policy('a', 99));
  expect(
    (await call('GET', base)).body.map(
      (p: { name: string; priority: number }) => `${p.name}${p.priority}`,
    ),
  ).toEqual(['c1', 'b2', 'a3']);
  expect(c.priority).toBe(1);
});

it("answers 404 for an unknown id, 400 with Okta's error body, 401 without the token, 429 with X-Rate-Limit-Reset", async () => {
  const missing = await call('GET', '/authorizationServers/aus0000');
  expect(missing).toMatchObject({
    status: 404,
    body: {
      errorCode: 'E0000007',
      errorSummary: 'Not found: Resource not found: aus0000 (AuthorizationServer)',
    },
  });
  const bad = await call('POST', '/authorizationServers', { audiences: [] });
  expect(bad.status).toBe(400);
  expect(bad.body).toMatchObject({
    errorCode: 'E0000001',
    errorSummary: 'Api validation failed: name',
    errorCauses: [
      { errorSummary: 'name: The field cannot be left blank' },
      { errorSummary: 'audiences: Exactly one audience is required' },
    ],
  });
  expect(bad.body.errorId).toMatch(/^oae/);
  expect((await call('GET', '/apps', undefined, 'wrong')).body).toMatchObject({
    errorCode: 'E0000011',
  });
  org.rateLimitNext(1);
  const limited = await call('GET', '/apps');
  expect(limited.status).toBe(429);
  expect(limited.body.errorCode).toBe('E0000047');
  expect(Number(limited.headers.get('x-rate-limit-reset'))).toBeGreaterThanOrEqual(
    Math.floor(Date.now() / 1000),
  );
  expect((await call('GET', '/apps')).status).toBe(200);
});

it('refuses a private key in an app and a duplicate trusted origin', async () => {
  const leaked = await call('POST', '/apps', {
    label: 'a',
    signOnMode: 'OPENID_CONNECT',
    credentials: { oauthClient: { token_endpoint_auth_method: 'private_key_jwt' } },
    settings: {
      oauthClient: {
        grant_types: ['client_credentials'],
        jwks: { keys: [{ kty: 'RSA', n: 'x', e: 'AQAB', d: 'secret' }] },
      },
    },
  });
  expect(leaked.status).toBe(400);
  await call('POST', '/trustedOrigins', {
    name: 'o',
    origin: 'https://a.example.com',
    scopes: [{ type: 'CORS' }],
  });
  const twice = await call('POST', '/trustedOrigins', {
    name: 'p',
    origin: 'https://a.example.com',
    scopes: [{ type: 'CORS' }],
  });
  expect(twice.body.errorCauses).toEqual([
    {
      errorSummary: 'origin: An object with this field already exists in the current organization',
    },
  ]);
});
