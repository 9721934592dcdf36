import {
  answer,
  type AuthorizerHandler,
  bearer,
  coldStart,
  METHOD_ARN,
  tokenEvent,
} from '../../../testkit/authorizer';
import { methodArn, STAGE_PREFIX } from '../../../testkit/iam';
import { startJwksServer, type JwksServer } from '../../../testkit/jwks-server';
import { captureLogs, type CapturedLogs } from '../../../testkit/logs';
import { oktaClaims, rsaKey, sign, type TestKey, withAlg } from '../../../testkit/tokens';

let trusted: TestKey;
let jwks: JwksServer;
let handler: AuthorizerHandler;
let logs: CapturedLogs;

beforeAll(async () => {
  trusted = await rsaKey();
  jwks = await startJwksServer([trusted.publicJwk]);
  handler = coldStart({
    OKTA_ISSUER: jwks.issuer,
    OKTA_AUDIENCE: 'api://default',
  });
});
afterAll(() => jwks.close());
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => logs.restore());

const claims = (overrides: Record<string, unknown> = {}) => oktaClaims(jwks.issuer, overrides);
const lastDecision = () => logs.decisions().at(-1);

describe('a valid Okta access token with the required scope', () => {
  it('is allowed on every route its scopes satisfy, with the identity in the context', async () => {
    const result = await handler(
      tokenEvent(bearer(await sign(claims({ uid: '00u1abc' }), trusted))),
    );
    expect(result.principalId).toBe('test-client');
    expect(result.policyDocument.Statement).toEqual([
      {
        Action: 'execute-api:Invoke',
        Effect: 'Allow',
        Resource: [`${STAGE_PREFIX}/GET/api/whoami`, `${STAGE_PREFIX}/GET/api/messages`],
      },
    ]);
    expect(result.context).toEqual({
      sub: 'test-client',
      cid: 'test-client',
      uid: '00u1abc',
      scope: 'AccessAll',
      issuer: jwks.issuer,
      exp: expect.stringMatching(/^\d+$/),
    });
    // As API Gateway hands them on: strings only, whatever the local gateway would keep.
    for (const value of Object.values(result.context ?? {})) expect(typeof value).toBe('string');
    expect(lastDecision()).toMatchObject({
      outcome: 'allow',
      sub: 'test-client',
      cid: 'test-client',
      route: 'GET /api/whoami',
    });
  });

  it('produces the same policy whichever route asked, so a cached policy fits every route', async () => {
    const token = bearer(await sign(claims(), trusted));
    const whoami = await handler(tokenEvent(token, METHOD_ARN));
    const other = await handler(tokenEvent(token, methodArn('GET', '/api/messages')));
    const unknown = await handler(tokenEvent(token, methodArn('POST', '/api/orders/42')));
    expect(other.policyDocument).toEqual(whoami.policyDocument);
    expect(unknown.policyDocument).toEqual(whoami.policyDocument);
    expect(lastDecision()).toMatchObject({ outcome: 'deny', reason: 'unknown_route' });
  });

  it('names the stage of the request, never another stage or API', async () => {
    const token = bearer(await sign(claims(), trusted));
    const prod = 'arn:aws:execute-api:eu-west-1:999999999999:zzz9/prod';
    const result = await handler(tokenEvent(token, methodArn('GET', '/api/whoami', prod)));
    const resources = result.policyDocument.Statement.flatMap(
      (statement) => (statement as { Resource: string[] }).Resource,
    );
    expect(resources).toEqual([`${prod}/GET/api/whoami`, `${prod}/GET/api/messages`]);
  });

  it('accepts extra scopes, and a `scope` string from servers that use one', async () => {
    await expect(
      handler(tokenEvent(bearer(await sign(claims({ scp: ['ReadOnly', 'AccessAll'] }), trusted)))),
    ).resolves.toMatchObject({
      context: { scope: 'ReadOnly AccessAll' },
    });
    const withString = await handler(
      tokenEvent(
        bearer(await sign(claims({ scp: undefined, scope: 'openid AccessAll' }), trusted)),
      ),
    );
    expect(withString.policyDocument.Statement).toEqual([
      expect.objectContaining({ Effect: 'Allow' }),
    ]);
  });

  it('accepts the scheme in any case and several spaces, as RFC 7235 allows', async () => {
    const token = await sign(claims(), trusted);
    for (const header of [`bearer ${token}`, `BEARER ${token}`, `Bearer   ${token}`]) {
      await expect(handler(tokenEvent(header))).resolves.toMatchObject({
        principalId: 'test-client',
      });
    }
  });
});

describe('a valid token without the required scope', () => {
  it('ReadOnly: messages allowed, whoami not (403 there), logged with the route and what was missing', async () => {
    const token = bearer(await sign(claims({ scp: ['ReadOnly'] }), trusted));
    const result = await handler(tokenEvent(token));
    expect(result.policyDocument.Statement).toEqual([
      {
        Action: 'execute-api:Invoke',
        Effect: 'Allow',
        Resource: [`${STAGE_PREFIX}/GET/api/messages`],
      },
    ]);
    expect(lastDecision()).toMatchObject({
      outcome: 'deny',
      reason: 'insufficient_scope',
      route: 'GET /api/whoami',
      required: { kind: 'allOf', scopes: ['AccessAll'] },
      missingScopes: ['AccessAll'],
    });
    expect(await answer(handler, token, methodArn('GET', '/api/messages'))).toEqual({
      status: 200,
    });
  });

  it.each([
    ['no scopes', { scp: [] }],
    ['no scp claim at all', { scp: undefined }],
    ['a scope string with neither', { scp: undefined, scope: 'openid profile' }],
  ])(
    '%s: Deny on the whole stage (403 on every protected route), never a 401',
    async (_name, overrides) => {
      const token = bearer(await sign(claims(overrides), trusted));
      const result = await handler(tokenEvent(token, methodArn('GET', '/api/messages')));
      expect(result.policyDocument.Statement).toEqual([
        { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [`${STAGE_PREFIX}/*`] },
      ]);
      expect(lastDecision()).toMatchObject({
        outcome: 'deny',
        reason: 'insufficient_scope',
        route: 'GET /api/messages',
        required: { kind: 'anyOf', scopes: ['ReadOnly', 'AccessAll'] },
        missingScopes: ['ReadOnly', 'AccessAll'],
      });
    },
  );
});

describe('scope lists that read alike', () => {
  it('a single scope with a space in it is not taken for the two scopes it spells', async () => {
    // Both lists join to "AccessAll ReadOnly": one must not get the other's cached policy.
    const both = bearer(await sign(claims({ scp: ['AccessAll', 'ReadOnly'] }), trusted));
    expect(await answer(handler, both)).toEqual({ status: 200 });
    const spelled = bearer(await sign(claims({ scp: ['AccessAll ReadOnly'] }), trusted));
    expect(await answer(handler, spelled)).toMatchObject({ status: 401 });
    expect(lastDecision()).toMatchObject({ outcome: 'unauthorized', reason: 'invalid_claims' });
  });
});

describe('the decision log line (what the metric filters and an operator read)', () => {
  it('names the route as requested when the table has none for it', async () => {
    const token = bearer(await sign(claims({ cid: '0oa1app' }), trusted));
    await handler(tokenEvent(token, methodArn('POST', '/api/orders/42')));
    expect(lastDecision()).toMatchObject({
      level: 'INFO',
      outcome: 'deny',
      reason: 'unknown_route',
      route: 'POST /api/orders/42',
      sub: 'test-client',
      cid: '0oa1app',
    });
  });

  it('for a 401, names no subject or client, and cuts a long detail to 200 characters', async () => {
    const long = `https://evil.example/${'x'.repeat(300)}`;
    await handler(tokenEvent(bearer(await sign(claims({ iss: long }), trusted)))).catch(
      () => undefined,
    );
    const line = lastDecision() as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'INFO', outcome: 'unauthorized', reason: 'wrong_issuer' });
    expect(line).not.toHaveProperty('sub');
    expect(line).not.toHaveProperty('cid');
    expect(line.detail).toHaveLength(201);
    expect(line.detail).toMatch(/^Issuer not allowed.*x…$/);
  });

  it('keeps a detail of exactly 200 characters whole', async () => {
    const detailFor = async (iss: string) => {
      await handler(tokenEvent(bearer(await sign(claims({ iss }), trusted)))).catch(
        () => undefined,
      );
      return (lastDecision() as { detail: string }).detail;
    };
    const base = 'https://evil.example/';
    const overhead = (await detailFor(base)).length - base.length;
    const detail = await detailFor(base + 'x'.repeat(200 - overhead - base.length));
    expect(detail).toHaveLength(200);
    expect(detail).not.toMatch(/…$/);
  });

  it('keeps a short detail whole', async () => {
    await handler(tokenEvent('Basic dXNlcjpwYXNz')).catch(() => undefined);
    expect(lastDecision()).toMatchObject({
      detail: 'only OAuth 2.0 Bearer access tokens are accepted, not the Basic scheme',
    });
  });

  it('times each decision in milliseconds, to the microsecond', async () => {
    await handler(tokenEvent(bearer(await sign(claims(), trusted))));
    const { durationMs } = lastDecision() as { durationMs: number };
    expect(durationMs).toBeGreaterThan(0);
    expect(durationMs).toBeLessThan(60_000);
    expect(Math.round(durationMs * 1000) / 1000).toBe(durationMs);
  });
});

describe('log levels', () => {
  it('at INFO, the deployed default, refusals are logged and allows are not', async () => {
    const atInfo = coldStart({ OKTA_ISSUER: jwks.issuer, POWERTOOLS_LOG_LEVEL: 'INFO' });
    await atInfo(tokenEvent(bearer(await sign(claims(), trusted))));
    await atInfo(tokenEvent(bearer(await sign(claims({ scp: ['ReadOnly'] }), trusted))));
    await atInfo(tokenEvent('Bearer nope')).catch(() => undefined);
    const outcomes = logs.decisions().map((line) => line.outcome);
    expect(outcomes).toEqual(['deny', 'unauthorized']);
  });
});

describe('refusals that are not about the token', () => {
  it('the methodArn is not one API Gateway sends: an error (500), not an Allow', async () => {
    await expect(
      handler(tokenEvent(bearer(await sign(claims(), trusted)), 'nonsense')),
    ).rejects.toThrow(/methodArn/);
  });

  it('the configuration is wrong: the cold start fails with the fix in the message', () => {
    expect(() => coldStart({ OKTA_ISSUER: 'https://{yourOktaDomain}/oauth2/default' })).toThrow(
      /Replace \{yourOktaDomain\}/,
    );
    expect(logs.lines()).toContainEqual(
      expect.objectContaining({
        level: 'ERROR',
        message: 'authorizer misconfigured',
        error: expect.objectContaining({
          message: expect.stringMatching(/^OKTA_ISSUER has a placeholder/),
        }),
      }),
    );
  });
});

// The full bad-input matrix (401 and 403 cases) is in test/security/matrix.test.ts.

describe('JWKS caching', () => {
  it('prefetches at cold start, so the first request fetches nothing', async () => {
    const fresh = await startJwksServer([trusted.publicJwk]);
    const token = bearer(await sign(oktaClaims(fresh.issuer), trusted));
    const cold = coldStart({ OKTA_ISSUER: fresh.issuer });
    // Loading the module (Lambda's init) fetched the keys, before any request.
    while (fresh.requests < 1) await new Promise((resolve) => setTimeout(resolve, 5));
    await expect(cold(tokenEvent(token))).resolves.toMatchObject({ principalId: 'test-client' });
    expect(fresh.requests).toBe(1);
    await fresh.close();
  });

  it('refetches for an unknown kid, so a newly published key works without a restart', async () => {
    const rotating = await startJwksServer([trusted.publicJwk]);
    const cold = coldStart({ OKTA_ISSUER: rotating.issuer });
    await cold(tokenEvent(bearer(await sign(oktaClaims(rotating.issuer), trusted))));
    const next = await rsaKey();
    rotating.keys.push(next.publicJwk);
    await expect(
      cold(tokenEvent(bearer(await sign(oktaClaims(rotating.issuer), next)))),
    ).resolves.toMatchObject({
      principalId: 'test-client',
    });
    expect(rotating.requests).toBe(2);
    await rotating.close();
  });

  it('does not go looking for the kid of a token from another issuer or with another algorithm', async () => {
    const guarded = await startJwksServer([trusted.publicJwk]);
    const cold = coldStart({ OKTA_ISSUER: guarded.issuer });
    const stranger = await rsaKey();
    const foreign = await sign(oktaClaims('https://dev-123456.okta.com/oauth2/other'), stranger);
    const rs512 = await sign(oktaClaims(guarded.issuer), await withAlg(stranger, 'RS512'), {
      alg: 'RS512',
    });
    for (const token of [foreign, rs512]) {
      await expect(cold(tokenEvent(bearer(token)))).rejects.toThrow(new Error('Unauthorized'));
    }
    expect(guarded.requests).toBe(1);
    await guarded.close();
  });
});
