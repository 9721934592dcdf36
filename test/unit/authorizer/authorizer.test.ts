import { createPublicKey } from 'node:crypto';
import {
  type AuthorizerHandler,
  bearer,
  coldStart,
  METHOD_ARN,
  STAGE_WILDCARD,
  tokenEvent,
} from '../../fixtures/authorizer';
import { startJwksServer, type JwksServer } from '../../fixtures/jwks-server';
import { captureLogs, type CapturedLogs } from '../../fixtures/logs';
import {
  oktaClaims,
  rsaKey,
  sign,
  tamper,
  type TestKey,
  unsigned,
  withAlg,
} from '../../fixtures/tokens';

let trusted: TestKey;
let other: TestKey;
let jwks: JwksServer;
let handler: AuthorizerHandler;
let logs: CapturedLogs;

beforeAll(async () => {
  trusted = await rsaKey();
  other = await rsaKey();
  jwks = await startJwksServer([trusted.publicJwk]);
  handler = coldStart({
    OKTA_ISSUER: jwks.issuer,
    OKTA_AUDIENCE: 'api://default',
    OKTA_REQUIRED_SCOPES: 'AccessAll',
  });
});
afterAll(() => jwks.close());
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => logs.restore());

const claims = (overrides: Record<string, unknown> = {}) => oktaClaims(jwks.issuer, overrides);
const lastDecision = () =>
  logs
    .lines()
    .filter((line) => line.message === 'authorization decision')
    .at(-1);

describe('a valid Okta access token with the required scope', () => {
  it('is allowed for the whole stage, with the identity in the context', async () => {
    const result = await handler(
      tokenEvent(bearer(await sign(claims({ uid: '00u1abc' }), trusted))),
    );
    expect(result.principalId).toBe('test-client');
    expect(result.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: STAGE_WILDCARD },
    ]);
    expect(result.context).toEqual({
      sub: 'test-client',
      cid: 'test-client',
      uid: '00u1abc',
      scope: 'AccessAll',
      issuer: jwks.issuer,
      exp: expect.any(Number),
    });
    for (const value of Object.values(result.context ?? {}))
      expect(typeof value).not.toBe('object');
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
    const other = await handler(
      tokenEvent(token, METHOD_ARN.replace('GET/api/whoami', 'POST/api/orders/42')),
    );
    expect(other.policyDocument).toEqual(whoami.policyDocument);
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
    expect(withString.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow' });
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
  it.each([
    ['ReadOnly only', { scp: ['ReadOnly'] }],
    ['no scopes', { scp: [] }],
    ['no scp claim at all', { scp: undefined }],
    ['a scope string without it', { scp: undefined, scope: 'ReadOnly' }],
  ])(
    '%s: Deny for the whole stage (403), logged as insufficient_scope',
    async (_name, overrides) => {
      const result = await handler(tokenEvent(bearer(await sign(claims(overrides), trusted))));
      expect(result.policyDocument.Statement).toEqual([
        { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: STAGE_WILDCARD },
      ]);
      expect(lastDecision()).toMatchObject({
        outcome: 'deny',
        reason: 'insufficient_scope',
        missingScopes: ['AccessAll'],
      });
    },
  );
});

describe('anything else is Unauthorized (401), with the reason logged', () => {
  const cases: [string, () => Promise<string | undefined>, string][] = [
    ['no header', async () => undefined, 'missing_token'],
    ['an empty header', async () => '', 'missing_token'],
    ['"Bearer" alone', async () => 'Bearer', 'malformed_token'],
    ['Basic credentials', async () => 'Basic dXNlcjpwYXNz', 'unsupported_scheme'],
    [
      'an Okta SSWS API token',
      async () => 'SSWS 00abcdEFGHijklMNOPqrstUVWXyz',
      'unsupported_scheme',
    ],
    ['a bare token without scheme', async () => sign(claims(), trusted), 'unsupported_scheme'],
    ['not a JWT', async () => 'Bearer not-a-jwt', 'malformed_token'],
    [
      'expired',
      async () => bearer(await sign(claims({ exp: Math.floor(Date.now() / 1000) - 60 }), trusted)),
      'expired',
    ],
    [
      'not yet valid',
      async () => bearer(await sign(claims({ nbf: Math.floor(Date.now() / 1000) + 600 }), trusted)),
      'not_yet_valid',
    ],
    [
      'issued in the future',
      async () => bearer(await sign(claims({ iat: Math.floor(Date.now() / 1000) + 600 }), trusted)),
      'invalid_claims',
    ],
    [
      'without exp',
      async () => bearer(await sign(claims({ exp: undefined }), trusted)),
      'invalid_claims',
    ],
    [
      'without sub',
      async () => bearer(await sign(claims({ sub: undefined }), trusted)),
      'invalid_claims',
    ],
    [
      'a wrong issuer',
      async () =>
        bearer(await sign(claims({ iss: 'https://evil.example.com/oauth2/default' }), trusted)),
      'wrong_issuer',
    ],
    [
      'a wrong audience',
      async () => bearer(await sign(claims({ aud: 'api://another-api' }), trusted)),
      'wrong_audience',
    ],
    [
      'a tampered payload',
      async () =>
        bearer(tamper(await sign(claims({ scp: ['ReadOnly'] }), trusted), { scp: ['AccessAll'] })),
      'invalid_signature',
    ],
    [
      'a signature by another key with our kid',
      async () => bearer(await sign(claims(), other, { kid: trusted.kid })),
      'invalid_signature',
    ],
    [
      'a key the issuer never published',
      async () => bearer(await sign(claims(), other)),
      'unknown_key',
    ],
    ['alg none without a signature', async () => bearer(unsigned(claims())), 'malformed_token'],
    [
      'alg none with a signature',
      async () =>
        bearer(
          `${unsigned({ ...claims() })}c2ln`.replace(
            'eyJhbGciOiJub25lIn0',
            Buffer.from(JSON.stringify({ alg: 'none', kid: trusted.kid })).toString('base64url'),
          ),
        ),
      'unsupported_algorithm',
    ],
    [
      'RS512 with our key',
      async () => bearer(await sign(claims(), await withAlg(trusted, 'RS512'), { alg: 'RS512' })),
      'unsupported_algorithm',
    ],
    [
      'PS256 with our key',
      async () => bearer(await sign(claims(), await withAlg(trusted, 'PS256'), { alg: 'PS256' })),
      'unsupported_algorithm',
    ],
    [
      'HS256 signed with the public key as secret',
      async () => {
        const pem = createPublicKey({ key: trusted.publicJwk as never, format: 'jwk' }).export({
          type: 'spki',
          format: 'pem',
        });
        return bearer(
          await sign(claims(), new TextEncoder().encode(pem as string), {
            alg: 'HS256',
            kid: trusted.kid,
          }),
        );
      },
      'unsupported_algorithm',
    ],
    [
      'no kid',
      async () => bearer(await sign(claims(), trusted, { kid: undefined })),
      'missing_kid',
    ],
    [
      'scp that is not an array',
      async () => bearer(await sign(claims({ scp: 'AccessAll' }), trusted)),
      'invalid_claims',
    ],
  ];

  it.each(cases)('%s', async (_name, header, reason) => {
    const authorization = await header();
    await expect(handler(tokenEvent(authorization))).rejects.toThrow(new Error('Unauthorized'));
    expect(lastDecision()).toMatchObject({ outcome: 'unauthorized', reason });
  });

  it('never logs the token', async () => {
    const token = await sign(claims({ exp: 1 }), trusted);
    await expect(handler(tokenEvent(bearer(token)))).rejects.toThrow('Unauthorized');
    expect(logs.text()).not.toContain(token.split('.')[2]);
    expect(logs.text()).not.toContain(token.split('.')[1]);
  });
});

describe('when it cannot decide, it answers 500, never 401 and never Allow', () => {
  it('the JWKS endpoint is down at cold start and for an unknown kid', async () => {
    const down = await startJwksServer([trusted.publicJwk]);
    down.mode = 'down';
    const cold = coldStart({ OKTA_ISSUER: down.issuer });
    const token = bearer(await sign(oktaClaims(down.issuer), trusted));
    const error = await cold(tokenEvent(token)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).not.toBe('Unauthorized');
    expect(lastDecision()).toMatchObject({
      level: 'ERROR',
      outcome: 'error',
      reason: 'jwks_unavailable',
    });
    expect(logs.lines().some((line) => line.message === 'JWKS prefetch failed')).toBe(true);

    // The issuer comes back: the same warm container recovers without a restart.
    down.mode = 'ok';
    await expect(cold(tokenEvent(token))).resolves.toMatchObject({ principalId: 'test-client' });
    await down.close();
  });

  it('the JWKS endpoint answers garbage', async () => {
    const garbage = await startJwksServer([trusted.publicJwk]);
    garbage.mode = 'garbage';
    const cold = coldStart({ OKTA_ISSUER: garbage.issuer });
    await expect(
      cold(tokenEvent(bearer(await sign(oktaClaims(garbage.issuer), trusted)))),
    ).rejects.toThrow('Authorizer could not decide');
    expect(lastDecision()).toMatchObject({ outcome: 'error', reason: 'jwks_invalid' });
    await garbage.close();
  });

  it('the methodArn is not one API Gateway sends', async () => {
    await expect(
      handler(tokenEvent(bearer(await sign(claims(), trusted)), 'nonsense')),
    ).rejects.toThrow(/methodArn/);
  });

  it('the configuration is wrong: the cold start fails with the fix in the message', () => {
    expect(() => coldStart({ OKTA_ISSUER: 'https://{yourOktaDomain}/oauth2/default' })).toThrow(
      /Replace \{yourOktaDomain\}/,
    );
    expect(logs.lines()).toContainEqual(
      expect.objectContaining({ level: 'ERROR', message: 'authorizer misconfigured' }),
    );
  });
});

describe('JWKS caching', () => {
  it('prefetches at cold start, so the first request fetches nothing', async () => {
    const fresh = await startJwksServer([trusted.publicJwk]);
    const cold = coldStart({ OKTA_ISSUER: fresh.issuer });
    await expect(
      cold(tokenEvent(bearer(await sign(oktaClaims(fresh.issuer), trusted)))),
    ).resolves.toBeDefined();
    await cold(tokenEvent(bearer(await sign(oktaClaims(fresh.issuer), trusted))));
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
