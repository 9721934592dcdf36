import {
  answer,
  API_HOST,
  coldStart,
  coldStartRequest,
  type RequestAuthorizerHandler,
  requestAnswer,
  requestEvent,
} from '../../testkit/authorizer';
import { captureLogs, type CapturedLogs } from '../../testkit/logs';
import { methodArn } from '../../testkit/iam';
import { MemoryReplayStore, type ReplayStore } from '../../authorizer/replay-store';
import { startJwksServer, type JwksServer } from '../../testkit/jwks-server';
import { proof, proofKey, type ProofKey } from '../../testkit/dpop';
import { oktaClaims, rsaKey, sign, type TestKey } from '../../testkit/tokens';

// DPoP (RFC 9449), each case sent to the authorizer as API Gateway sends it: the REQUEST
// authorizer on routes that take DPoP, the TOKEN authorizer on the others. The status API Gateway
// would answer, and the reason the decision line gives.
const ROUTES = {
  'GET /api/whoami': { allOf: ['AccessAll'] },
  'GET /api/messages': { anyOf: ['ReadOnly', 'AccessAll'], dpop: 'allowed' },
  'POST /api/messages': { allOf: ['AccessAll'], dpop: 'required' },
};
const URL_OF = (path: string) => `https://${API_HOST}/dev${path}`;

let trusted: TestKey;
let jwks: JwksServer;
let client: ProofKey;
let rsaClient: ProofKey;
let other: ProofKey;
let store: MemoryReplayStore;
let handler: RequestAuthorizerHandler;
let logs: CapturedLogs;

beforeAll(async () => {
  trusted = await rsaKey();
  jwks = await startJwksServer([trusted.publicJwk]);
  [client, rsaClient, other] = await Promise.all([
    proofKey('ES256'),
    proofKey('RS256'),
    proofKey('ES256'),
  ]);
});
afterAll(() => jwks.close());
beforeEach(() => {
  store = new MemoryReplayStore();
  handler = coldStartRequest(
    { OKTA_ISSUER: jwks.issuer, DPOP_HOSTS: 'api.example.com' },
    store,
    ROUTES,
  );
  logs = captureLogs();
});
afterEach(() => logs.restore());

const token = (overrides: Record<string, unknown> = {}) =>
  sign(oktaClaims(jwks.issuer, overrides), trusted);
const boundTo = (key: ProofKey, overrides: Record<string, unknown> = {}) =>
  token({ cnf: { jkt: key.jkt }, ...overrides });
const lastReason = () => logs.decisions().at(-1)?.reason;

interface Call {
  method?: string;
  path?: string;
  authorization?: string;
  proofs?: string[];
  host?: string;
}
const call = (c: Call) =>
  requestAnswer(
    handler,
    requestEvent({
      method: c.method ?? 'POST',
      path: c.path ?? '/api/messages',
      host: c.host,
      headers: [
        ...(c.authorization ? [['Authorization', c.authorization] as [string, string]] : []),
        ...(c.proofs ?? []).map((p) => ['DPoP', p] as [string, string]),
      ],
    }),
  );

/** A DPoP call to POST /api/messages with a bound token; `change` makes the proof wrong. */
async function dpopCall(
  key: ProofKey,
  change: { claims?: Record<string, unknown>; header?: Record<string, unknown>; htu?: string } = {},
  accessToken?: string,
) {
  const at = accessToken ?? (await boundTo(key));
  const signed = await proof(key, {
    htm: 'POST',
    htu: change.htu ?? URL_OF('/api/messages'),
    accessToken: at,
    claims: change.claims,
    header: change.header,
  });
  return {
    at,
    proof: signed,
    result: await call({ authorization: `DPoP ${at}`, proofs: [signed] }),
  };
}

describe('a valid DPoP request', () => {
  it.each([
    ['ES256', () => client],
    ['RS256 (okta-auth-js signs every proof with it)', () => rsaClient],
  ])('%s: allowed, with the key the token is bound to in the context', async (_alg, key) => {
    const { result } = await dpopCall(key());
    expect(result).toMatchObject({ status: 200, context: { sub: 'test-client', jkt: key().jkt } });
    expect(logs.decisions().at(-1)).toMatchObject({
      outcome: 'allow',
      route: 'POST /api/messages',
    });
  });

  it('on a custom domain of DPOP_HOSTS, whose path has no stage', async () => {
    const at = await boundTo(client);
    const signed = await proof(client, {
      htm: 'POST',
      htu: 'https://api.example.com/api/messages',
      accessToken: at,
    });
    expect(
      await call({ authorization: `DPoP ${at}`, proofs: [signed], host: 'api.example.com' }),
    ).toMatchObject({ status: 200 });
  });

  it('a ReadOnly bound token on POST /api/messages: 403', async () => {
    const at = await boundTo(client, { scp: ['ReadOnly'] });
    const { result } = await dpopCall(client, {}, at);
    expect(result.status).toBe(403);
    expect(lastReason()).toBe('insufficient_scope');
  });
});

describe('replays', () => {
  it('the same proof twice: the second is refused', async () => {
    const { at, proof: signed, result } = await dpopCall(client);
    expect(result.status).toBe(200);
    expect(await call({ authorization: `DPoP ${at}`, proofs: [signed] })).toEqual({
      status: 401,
    });
    expect(lastReason()).toBe('dpop_replay');
  });

  it('the same proof at two authorizer containers sharing the store: the second is refused', async () => {
    const second = coldStartRequest({ OKTA_ISSUER: jwks.issuer }, store, ROUTES);
    const { at, proof: signed, result } = await dpopCall(client);
    expect(result.status).toBe(200);
    const event = requestEvent({
      method: 'POST',
      path: '/api/messages',
      headers: [
        ['Authorization', `DPoP ${at}`],
        ['DPoP', signed],
      ],
    });
    expect(await requestAnswer(second, event)).toEqual({ status: 401 });
    expect(lastReason()).toBe('dpop_replay');
  });

  it('a refused request does not use up its proof (the claim is the last check)', async () => {
    const at = await boundTo(client, { scp: ['ReadOnly'] });
    const { proof: signed, result } = await dpopCall(client, {}, at);
    expect(result.status).toBe(403);
    expect(await store.claim('probe', 1, 0)).toBe(true);
    expect([...(store as unknown as { claimed: Map<string, number> }).claimed.keys()]).toEqual([
      'probe',
    ]);
    expect(signed).toBeTruthy();
  });

  it('the store unreachable: 500, never an Allow', async () => {
    const down: ReplayStore = { claim: () => Promise.reject(new Error('connect ECONNREFUSED')) };
    handler = coldStartRequest({ OKTA_ISSUER: jwks.issuer }, down, ROUTES);
    const { result } = await dpopCall(client);
    expect(result).toEqual({ status: 500 });
    expect(logs.decisions().at(-1)).toMatchObject({
      outcome: 'error',
      reason: 'replay_store_unavailable',
    });
  });

  it('the AWS SDK cannot be loaded (its file missing from the package): the cold start survives and says so, then 500, never an Allow', async () => {
    const SDK = '../../authorizer/dynamodb';
    try {
      handler = coldStartRequest({ OKTA_ISSUER: jwks.issuer }, undefined, ROUTES, () =>
        jest.doMock(SDK, () => {
          throw new Error("Cannot find module './request-authorizer.dynamodb.js'");
        }),
      );
      // The SDK loads on the turn after the JWKS prefetch is issued.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      expect(logs.lines()).toContainEqual(
        expect.objectContaining({
          level: 'ERROR',
          message: 'replay store unavailable',
          reason: 'replay_store_unavailable',
        }),
      );
      const { result } = await dpopCall(client);
      expect(result).toEqual({ status: 500 });
      expect(logs.decisions().at(-1)).toMatchObject({
        outcome: 'error',
        reason: 'replay_store_unavailable',
      });
    } finally {
      jest.dontMock(SDK);
    }
  });
});

describe('a proof that is wrong in one way: 401', () => {
  const url = URL_OF('/api/messages');
  // Changes are made when each case runs: an iat computed when the file loads would have aged.
  it.each<[string, () => Parameters<typeof dpopCall>[1], string]>([
    ['wrong htm', () => ({ claims: { htm: 'GET' } }), 'invalid_dpop_proof'],
    ['htm in lower case', () => ({ claims: { htm: 'post' } }), 'invalid_dpop_proof'],
    ['htu with another path', () => ({ htu: URL_OF('/api/whoami') }), 'invalid_dpop_proof'],
    [
      'htu without the stage',
      () => ({ htu: `https://${API_HOST}/api/messages` }),
      'invalid_dpop_proof',
    ],
    [
      'htu with another host',
      () => ({ htu: url.replace(API_HOST, 'evil.example.com') }),
      'invalid_dpop_proof',
    ],
    [
      'htu with another port',
      () => ({ htu: url.replace(API_HOST, `${API_HOST}:8443`) }),
      'invalid_dpop_proof',
    ],
    [
      'htu with another scheme',
      () => ({ htu: url.replace('https:', 'http:') }),
      'invalid_dpop_proof',
    ],
    ['htu with a query', () => ({ htu: `${url}?a=1` }), 'invalid_dpop_proof'],
    ['htu with a fragment', () => ({ htu: `${url}#x` }), 'invalid_dpop_proof'],
    ['htu with a trailing slash', () => ({ htu: `${url}/` }), 'invalid_dpop_proof'],
    ['htu not a URL', () => ({ htu: 'messages' }), 'invalid_dpop_proof'],
    ['ath missing', () => ({ claims: { ath: undefined } }), 'invalid_dpop_proof'],
    ['ath of another token', () => ({ claims: { ath: 'x'.repeat(43) } }), 'invalid_dpop_proof'],
    [
      'iat too old (61 s)',
      () => ({ claims: { iat: Math.floor(Date.now() / 1000) - 61 } }),
      'invalid_dpop_proof',
    ],
    [
      'iat too far ahead (6 s)',
      () => ({ claims: { iat: Math.floor(Date.now() / 1000) + 6 } }),
      'invalid_dpop_proof',
    ],
    ['iat missing', () => ({ claims: { iat: undefined } }), 'invalid_dpop_proof'],
    [
      'iat a string',
      () => ({ claims: { iat: String(Math.floor(Date.now() / 1000)) } }),
      'invalid_dpop_proof',
    ],
    ['jti missing', () => ({ claims: { jti: undefined } }), 'invalid_dpop_proof'],
    ['jti empty', () => ({ claims: { jti: '' } }), 'invalid_dpop_proof'],
    ['jti of 129 characters', () => ({ claims: { jti: 'j'.repeat(129) } }), 'invalid_dpop_proof'],
    ['typ JWT', () => ({ header: { typ: 'JWT' } }), 'invalid_dpop_proof'],
    ['typ missing', () => ({ header: { typ: undefined } }), 'invalid_dpop_proof'],
    ['jwk missing', () => ({ header: { jwk: undefined } }), 'invalid_dpop_proof'],
  ])('%s', async (_name, change, reason) => {
    const { result } = await dpopCall(client, change());
    expect(result).toEqual({ status: 401 });
    expect(lastReason()).toBe(reason);
  });

  it("signed with a key that is not the token's cnf.jkt", async () => {
    const at = await boundTo(client);
    const { result } = await dpopCall(other, {}, at);
    expect(result).toEqual({ status: 401 });
    expect(lastReason()).toBe('dpop_binding_mismatch');
  });

  it('a jwk that is not the signing key', async () => {
    const { result } = await dpopCall(client, { header: { jwk: other.jwk } });
    expect(result).toEqual({ status: 401 });
    expect(lastReason()).toBe('invalid_dpop_proof');
  });

  it('a jwk carrying the private key', async () => {
    const { exportJWK } = await import('jose');
    const privateJwk = await exportJWK(client.privateKey);
    const { result } = await dpopCall(client, { header: { jwk: privateJwk } });
    expect(result).toEqual({ status: 401 });
    expect(logs.decisions().at(-1)).toMatchObject({
      reason: 'invalid_dpop_proof',
      detail: 'the proof carries a private key',
    });
    // The log never holds the key.
    expect(logs.text()).not.toContain(privateJwk.d as string);
  });

  it('alg none', async () => {
    const at = await boundTo(client);
    const encode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const unsignedProof = `${encode({ typ: 'dpop+jwt', alg: 'none', jwk: client.jwk })}.${encode({
      htm: 'POST',
      htu: URL_OF('/api/messages'),
      iat: Math.floor(Date.now() / 1000),
      jti: 'n',
    })}.`;
    expect(await call({ authorization: `DPoP ${at}`, proofs: [unsignedProof] })).toEqual({
      status: 401,
    });
    expect(lastReason()).toBe('invalid_dpop_proof');
  });

  it('HS256 with a symmetric key in the header', async () => {
    const at = await boundTo(client);
    const { CompactSign } = await import('jose');
    const secret = new Uint8Array(32).fill(7);
    const hs = await new CompactSign(
      new TextEncoder().encode(
        JSON.stringify({
          htm: 'POST',
          htu: URL_OF('/api/messages'),
          iat: Math.floor(Date.now() / 1000),
          jti: 'h',
        }),
      ),
    )
      .setProtectedHeader({
        alg: 'HS256',
        typ: 'dpop+jwt',
        jwk: { kty: 'oct', k: Buffer.from(secret).toString('base64url') } as never,
      })
      .sign(secret);
    expect(await call({ authorization: `DPoP ${at}`, proofs: [hs] })).toEqual({ status: 401 });
    expect(lastReason()).toBe('invalid_dpop_proof');
  });

  it('two DPoP headers, each valid', async () => {
    const at = await boundTo(client);
    const make = () =>
      proof(client, { htm: 'POST', htu: URL_OF('/api/messages'), accessToken: at });
    expect(
      await call({ authorization: `DPoP ${at}`, proofs: [await make(), await make()] }),
    ).toEqual({
      status: 401,
    });
    expect(logs.decisions().at(-1)).toMatchObject({
      reason: 'invalid_dpop_proof',
      detail: 'expected one DPoP header, got 2',
    });
  });

  it.each([
    ['no DPoP header', []],
    ['a proof that is not a JWS', ['not-a-jws']],
    ['two proofs joined by a comma', ['a.b.c, d.e.f']],
    ['a proof over 4 KB', [`${'a'.repeat(4000)}.${'b'.repeat(100)}.c`]],
  ])('%s', async (_name, proofs) => {
    const at = await boundTo(client);
    expect(await call({ authorization: `DPoP ${at}`, proofs })).toEqual({ status: 401 });
    expect(lastReason()).toBe('invalid_dpop_proof');
  });
});

describe('the scheme and the binding, on each kind of route', () => {
  it("a bound token as Bearer on a route with dpop 'off' (the TOKEN authorizer): 401", async () => {
    const tokenAuthorizer = coldStart({ OKTA_ISSUER: jwks.issuer });
    const at = await boundTo(client);
    expect(
      await answer(tokenAuthorizer, `Bearer ${at}`, methodArn('GET', '/api/whoami')),
    ).toMatchObject({ status: 401 });
    expect(logs.decisions().at(-1)).toMatchObject({
      reason: 'dpop_bound_token',
      detail: 'this route takes Bearer only',
    });
    // Whatever cnf holds: a token with one is bound.
    const odd = await token({ cnf: { x5t: 'abc' } });
    expect(
      await answer(tokenAuthorizer, `Bearer ${odd}`, methodArn('GET', '/api/whoami')),
    ).toMatchObject({
      status: 401,
    });
  });

  it.each([
    ["'allowed'", 'GET', '/api/messages'],
    ["'required'", 'POST', '/api/messages'],
  ])('a bound token as Bearer on a %s route: 401', async (_mode, method, path) => {
    const at = await boundTo(client);
    expect(await call({ method, path, authorization: `Bearer ${at}` })).toEqual({ status: 401 });
    expect(lastReason()).toBe(method === 'POST' ? 'dpop_required' : 'dpop_bound_token');
  });

  it("an unbound token as Bearer on an 'allowed' route: allowed, uncached", async () => {
    expect(
      await call({
        method: 'GET',
        path: '/api/messages',
        authorization: `Bearer ${await token()}`,
      }),
    ).toMatchObject({ status: 200 });
  });

  it("a bound token with a proof on an 'allowed' route: allowed", async () => {
    const at = await boundTo(client);
    const signed = await proof(client, {
      htm: 'GET',
      htu: URL_OF('/api/messages'),
      accessToken: at,
    });
    expect(
      await call({
        method: 'GET',
        path: '/api/messages',
        authorization: `DPoP ${at}`,
        proofs: [signed],
      }),
    ).toMatchObject({ status: 200 });
  });

  it('an unbound token with the DPoP scheme: 401', async () => {
    const at = await token();
    const signed = await proof(client, {
      htm: 'POST',
      htu: URL_OF('/api/messages'),
      accessToken: at,
    });
    expect(await call({ authorization: `DPoP ${at}`, proofs: [signed] })).toEqual({ status: 401 });
    expect(lastReason()).toBe('unbound_token');
  });

  it("a Bearer token on a 'required' route: 401", async () => {
    expect(await call({ authorization: `Bearer ${await token()}` })).toEqual({ status: 401 });
    expect(lastReason()).toBe('dpop_required');
  });

  it('no Authorization header, or two: 401', async () => {
    expect(await call({})).toEqual({ status: 401 });
    expect(lastReason()).toBe('missing_token');
    const at = await token();
    const event = requestEvent({
      method: 'GET',
      path: '/api/messages',
      headers: [
        ['Authorization', `Bearer ${at}`],
        ['authorization', `Bearer ${at}`],
      ],
    });
    expect(await requestAnswer(handler, event)).toEqual({ status: 401 });
    expect(lastReason()).toBe('malformed_token');
  });

  it('a bound token whose cnf has no jkt, with the DPoP scheme: 401', async () => {
    const at = await token({ cnf: { x5t: 'abc' } });
    const signed = await proof(client, {
      htm: 'POST',
      htu: URL_OF('/api/messages'),
      accessToken: at,
    });
    expect(await call({ authorization: `DPoP ${at}`, proofs: [signed] })).toEqual({ status: 401 });
    expect(lastReason()).toBe('invalid_claims');
  });

  it("an untrusted host (the Host header alone is never trusted): no proof's htu matches", async () => {
    const at = await boundTo(client);
    const signed = await proof(client, {
      htm: 'POST',
      htu: 'https://evil.example.com/api/messages',
      accessToken: at,
    });
    expect(
      await call({ authorization: `DPoP ${at}`, proofs: [signed], host: 'evil.example.com' }),
    ).toEqual({ status: 401 });
    expect(lastReason()).toBe('invalid_dpop_proof');
  });

  it('a forged token with the DPoP scheme is refused before its proof is read', async () => {
    const forged = await sign(
      oktaClaims(jwks.issuer, { cnf: { jkt: client.jkt } }),
      await rsaKey(),
    );
    const signed = await proof(client, {
      htm: 'POST',
      htu: URL_OF('/api/messages'),
      accessToken: forged,
    });
    expect(await call({ authorization: `DPoP ${forged}`, proofs: [signed] })).toEqual({
      status: 401,
    });
    expect(lastReason()).toBe('unknown_key');
  });
});

describe('how the request is read', () => {
  it('the DPoP scheme: one or more spaces, then one token; anything else is not DPoP', async () => {
    const at = await boundTo(client);
    const make = () =>
      proof(client, { htm: 'POST', htu: URL_OF('/api/messages'), accessToken: at });
    expect(await call({ authorization: `DPoP  ${at}`, proofs: [await make()] })).toMatchObject({
      status: 200,
    });
    expect(await call({ authorization: `dpop ${at}`, proofs: [await make()] })).toMatchObject({
      status: 200,
    });
    for (const authorization of [`xDPoP ${at}`, `DPoP ${at} extra`, `DPoP${at}`]) {
      expect(await call({ authorization, proofs: [await make()] })).toEqual({ status: 401 });
      expect(lastReason()).toBe('dpop_required');
    }
  });

  it('single-value headers only (no multiValueHeaders), as a test harness may send', async () => {
    const at = await boundTo(client);
    const event = requestEvent({
      method: 'POST',
      path: '/api/messages',
      headers: [
        ['authorization', `DPoP ${at}`],
        [
          'dpop',
          await proof(client, { htm: 'POST', htu: URL_OF('/api/messages'), accessToken: at }),
        ],
      ],
    });
    delete (event as { multiValueHeaders?: unknown }).multiValueHeaders;
    expect(await requestAnswer(handler, event)).toMatchObject({ status: 200 });
  });

  it('a loopback host of DPOP_HOSTS is called over http (the local stack), any other over https', async () => {
    handler = coldStartRequest(
      { OKTA_ISSUER: jwks.issuer, DPOP_HOSTS: 'localhost:3000,api.example.com' },
      store,
      ROUTES,
    );
    const at = await boundTo(client);
    const local = await proof(client, {
      htm: 'POST',
      htu: 'http://localhost:3000/api/messages',
      accessToken: at,
    });
    expect(
      await call({ authorization: `DPoP ${at}`, proofs: [local], host: 'localhost:3000' }),
    ).toMatchObject({
      status: 200,
    });
    const plain = await proof(client, {
      htm: 'POST',
      htu: 'http://api.example.com/api/messages',
      accessToken: at,
    });
    expect(
      await call({ authorization: `DPoP ${at}`, proofs: [plain], host: 'api.example.com' }),
    ).toEqual({
      status: 401,
    });
  });

  it('a route outside the table is held to the strictest mode: Bearer is refused', async () => {
    expect(
      await call({
        method: 'DELETE',
        path: '/api/messages',
        authorization: `Bearer ${await token()}`,
      }),
    ).toEqual({ status: 401 });
    expect(lastReason()).toBe('dpop_required');
  });
});

describe('the decision line and the replay claim', () => {
  it('at INFO, an allow writes no decision line and a refusal does, with its duration', async () => {
    handler = coldStartRequest(
      { OKTA_ISSUER: jwks.issuer, POWERTOOLS_LOG_LEVEL: 'INFO' },
      store,
      ROUTES,
    );
    const before = logs.decisions().length;
    expect((await dpopCall(client)).result.status).toBe(200);
    expect(logs.decisions().length).toBe(before);
    expect(await call({ authorization: `Bearer ${await token()}` })).toEqual({ status: 401 });
    expect(logs.decisions().slice(before)).toEqual([
      expect.objectContaining({
        outcome: 'unauthorized',
        reason: 'dpop_required',
        durationMs: expect.any(Number),
      }),
    ]);
    expect(logs.decisions().at(-1)?.durationMs as number).toBeGreaterThanOrEqual(0);
  });

  it('claims the proof until it is too old to pass anyway: its max age and skew from now', async () => {
    const claims: [string, number, number][] = [];
    const recording: ReplayStore = {
      claim: async (id, expiresAt, now) => {
        claims.push([id, expiresAt, now]);
        return true;
      },
    };
    handler = coldStartRequest({ OKTA_ISSUER: jwks.issuer }, recording, ROUTES);
    const { proof: signed } = await dpopCall(client, { claims: { jti: 'the-jti' } });
    expect(signed).toBeTruthy();
    const [[id, expiresAt, now]] = claims as [[string, number, number]];
    expect(id).toBe(`${client.jkt}:the-jti`);
    expect(expiresAt - now).toBeCloseTo(60 + 5, 5);
    expect(Math.abs(now - Date.now() / 1000)).toBeLessThan(5);
  });
});
