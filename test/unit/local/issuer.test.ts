import {
  answer,
  type AuthorizerHandler,
  bearer,
  coldStart,
  tokenEvent,
} from '../../../testkit/authorizer';
import { methodArn } from '../../../testkit/iam';
import { type LocalIssuerProcess, startLocalIssuerProcess } from '../../../testkit/local-issuer';
import { captureLogs, type CapturedLogs } from '../../../testkit/logs';
import { ProjectCopy } from '../../../testkit/project-copy';
import { basicAuth, tokenEndpoint } from '../../../testkit/token-request';
import { signInUser } from '../../../local/user-sign-in';
import { decodePayload, tamper } from '../../../testkit/tokens';
import { compileCallers } from '../../../route-table/callers';
import { callers, routes } from '../../../routes';

// The authorizer against real tokens from the local issuer, which mints them as Okta does.
let issuer: LocalIssuerProcess;
let handler: AuthorizerHandler;
let logs: CapturedLogs;

beforeAll(async () => {
  issuer = await startLocalIssuerProcess();
  handler = coldStart({
    OKTA_ISSUER: issuer.issuer,
    OKTA_AUDIENCE: 'api://default',
  });
});
afterAll(() => issuer.stop());
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => logs.restore());

const lastDecision = () => logs.decisions().at(-1);

it('mints Okta-shaped tokens: scp array, cid, ver, and no scope string', async () => {
  const claims = decodePayload(await issuer.token('AccessAll'));
  expect(claims).toMatchObject({
    ver: 1,
    iss: issuer.issuer,
    aud: 'api://default',
    sub: issuer.client.id,
    cid: issuer.client.id,
    scp: ['AccessAll'],
  });
  expect(claims).not.toHaveProperty('scope');
  expect((claims.exp as number) - (claims.iat as number)).toBe(3600);
});

const whoami = methodArn('GET', '/api/whoami');
const messages = methodArn('GET', '/api/messages');

it('allows an AccessAll token on whoami and messages', async () => {
  const token = bearer(await issuer.token('AccessAll'));
  expect(await answer(handler, token, whoami)).toEqual({ status: 200 });
  expect(await answer(handler, token, messages)).toEqual({ status: 200 });
  const result = await handler(tokenEvent(token));
  expect(result.context).toMatchObject({
    sub: issuer.client.id,
    cid: issuer.client.id,
    scope: 'AccessAll',
    issuer: issuer.issuer,
  });
});

it('a ReadOnly token reads messages and is refused whoami (403)', async () => {
  const token = bearer(await issuer.token('ReadOnly'));
  expect(await answer(handler, token, messages)).toEqual({ status: 200 });
  expect(await answer(handler, token, whoami)).toEqual({ status: 403 });
  expect(lastDecision()).toMatchObject({
    outcome: 'deny',
    reason: 'insufficient_scope',
    route: 'GET /api/whoami',
  });
});

it.each([
  [
    'a token for another API (wrong audience)',
    () => issuer.token('AccessAll', { resource: 'api://another-api' }),
    'wrong_audience',
  ],
  [
    'a tampered token',
    async () => tamper(await issuer.token('ReadOnly'), { scp: ['AccessAll'] }),
    'invalid_signature',
  ],
])('refuses %s (401)', async (_name, token, reason) => {
  await expect(handler(tokenEvent(bearer(await token())))).rejects.toThrow(
    new Error('Unauthorized'),
  );
  expect(lastDecision()).toMatchObject({ outcome: 'unauthorized', reason });
});

it('refuses a token from another authorization server (401)', async () => {
  const another = await startLocalIssuerProcess();
  try {
    await expect(handler(tokenEvent(bearer(await another.token('AccessAll'))))).rejects.toThrow(
      new Error('Unauthorized'),
    );
    expect(lastDecision()).toMatchObject({ outcome: 'unauthorized', reason: 'wrong_issuer' });
  } finally {
    await another.stop();
  }
});

describe('scopes', () => {
  it("accepts every scope routes.ts names, with no other edit, and the guide's; refuses others", async () => {
    const copy = new ProjectCopy();
    copy.edit('routes.ts', (text) =>
      text.replace(
        "  'GET /api/messages'",
        "  'POST /api/orders': { allOf: ['orders:write'] },\n  'GET /api/messages'",
      ),
    );
    const local = await startLocalIssuerProcess({}, copy.dir);
    try {
      const ask = (scope: string) => clientCredentials(local.issuer, local.client, scope);
      expect((await ask('orders:write')).status).toBe(200);
      expect((await ask('ReadOnly AccessAll orders:write')).status).toBe(200);
      const unknown = await ask('orders:read');
      expect(unknown.status).toBe(400);
      expect(unknown.body).toMatchObject({ error: 'invalid_scope' });
      // The project's own issuer knows nothing of that route.
      expect((await clientCredentials(issuer.issuer, issuer.client, 'orders:write')).status).toBe(
        400,
      );
    } finally {
      await local.stop();
      copy.remove();
    }
  });
});

describe('the clients routes.ts declares (callers), as npm run okta sets them up in Okta', () => {
  const declared = compileCallers(callers, routes);
  const bearerClients = declared.clients.filter((c) => !c.dpop);

  it('there is one to try, and one that requires DPoP', () => {
    expect(bearerClients.length).toBeGreaterThan(0);
    expect(declared.clients.some((c) => c.dpop)).toBe(true);
  });

  it.each(bearerClients.map((c) => [c.name, c] as const))(
    '%s gets exactly its declared scopes, and invalid_scope for the others',
    async (_name, client) => {
      const as = { id: client.name, secret: issuer.client.secret };
      for (const scope of client.scopes) {
        const granted = await clientCredentials(issuer.issuer, as, scope);
        expect(granted.status).toBe(200);
        expect(decodePayload(String(granted.body.access_token))).toMatchObject({
          cid: client.name,
          scp: [scope],
        });
      }
      for (const scope of declared.scopes.filter((s) => !client.scopes.includes(s))) {
        const refused = await clientCredentials(issuer.issuer, as, scope);
        expect(refused.status).toBe(400);
        expect(refused.body).toMatchObject({ error: 'invalid_scope' });
        const mixed = await clientCredentials(issuer.issuer, as, `${client.scopes[0]} ${scope}`);
        expect(mixed.body).toMatchObject({ error: 'invalid_scope' });
      }
    },
  );

  it.each(declared.clients.filter((c) => c.dpop).map((c) => [c.name] as const))(
    '%s requires DPoP: a token request without a proof is refused, as Okta refuses it',
    async (name) => {
      const refused = await clientCredentials(
        issuer.issuer,
        { id: name, secret: issuer.client.secret },
        declared.clients.find((c) => c.name === name)?.scopes.join(' ') ?? '',
      );
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ error: 'invalid_dpop_proof' });
    },
  );
});

/** A client-credentials token request, whatever its answer. */
const clientCredentials = (
  issuerUrl: string,
  client: { id: string; secret: string },
  scope: string,
) =>
  tokenEndpoint(
    issuerUrl,
    { grant_type: 'client_credentials', scope },
    basicAuth(client.id, client.secret),
  );

describe("a signed-in user's tokens", () => {
  const signIn = (username: string) => signInUser(issuer.asUser(username));

  it('the access token is allowed, with uid and the user as sub in the context', async () => {
    const tokens = await signIn('alice');
    const token = bearer(tokens.access_token);
    expect(await answer(handler, token, whoami)).toEqual({ status: 200 });
    const result = await handler(tokenEvent(token));
    expect(result.principalId).toBe('alice@example.com');
    expect(result.context).toMatchObject({
      sub: 'alice@example.com',
      cid: issuer.spaClient.id,
      uid: expect.stringMatching(/^00u\w{17}$/),
      scope: 'openid profile email AccessAll ReadOnly',
    });
  });

  it("bob's ReadOnly token reads messages and is refused whoami", async () => {
    const token = bearer((await signIn('bob')).access_token);
    expect(await answer(handler, token, messages)).toEqual({ status: 200 });
    expect(await answer(handler, token, whoami)).toEqual({ status: 403 });
  });

  it('the ID token is not an access token: 401 (its audience is the app)', async () => {
    const tokens = await signIn('alice');
    expect(await answer(handler, bearer(tokens.id_token as string), whoami)).toMatchObject({
      status: 401,
    });
    expect(lastDecision()).toMatchObject({ outcome: 'unauthorized', reason: 'wrong_audience' });
  });
});
