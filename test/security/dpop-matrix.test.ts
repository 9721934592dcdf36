import { API_HOST, coldStartRequest, requestAnswer, requestEvent } from '../../testkit/authorizer';
import { type ReplayStore } from '../../authorizer/replay-store';
import { proof } from '../../testkit/dpop';
import { dpopMatrix } from '../../testkit/dpop-matrix';

// DPoP (RFC 9449), each case sent to the authorizer as API Gateway sends it: the REQUEST
// authorizer on routes that take DPoP, the TOKEN authorizer on the others. The status API Gateway
// would answer, and the reason the decision line gives.
// Valid requests, replays and wrong proofs.
const m = dpopMatrix();
const { ROUTES, URL_OF, boundTo, lastReason, call, dpopCall } = m;

describe('a valid DPoP request', () => {
  it.each([
    ['ES256', () => m.client],
    ['RS256 (okta-auth-js signs every proof with it)', () => m.rsaClient],
  ])('%s: allowed, with the key the token is bound to in the context', async (_alg, key) => {
    const { result } = await dpopCall(key());
    expect(result).toMatchObject({ status: 200, context: { sub: 'test-client', jkt: key().jkt } });
    expect(m.logs.decisions().at(-1)).toMatchObject({
      outcome: 'allow',
      route: 'POST /api/messages',
    });
  });

  it('on a custom domain of DPOP_HOSTS, whose path has no stage', async () => {
    const at = await boundTo(m.client);
    const signed = await proof(m.client, {
      htm: 'POST',
      htu: 'https://api.example.com/api/messages',
      accessToken: at,
    });
    expect(
      await call({ authorization: `DPoP ${at}`, proofs: [signed], host: 'api.example.com' }),
    ).toMatchObject({ status: 200 });
  });

  it('a ReadOnly bound token on POST /api/messages: 403', async () => {
    const at = await boundTo(m.client, { scp: ['ReadOnly'] });
    const { result } = await dpopCall(m.client, {}, at);
    expect(result.status).toBe(403);
    expect(lastReason()).toBe('insufficient_scope');
  });
});

describe('replays', () => {
  it('the same proof twice: the second is refused', async () => {
    const { at, proof: signed, result } = await dpopCall(m.client);
    expect(result.status).toBe(200);
    expect(await call({ authorization: `DPoP ${at}`, proofs: [signed] })).toEqual({
      status: 401,
    });
    expect(lastReason()).toBe('dpop_replay');
  });

  it('the same proof at two authorizer containers sharing the store: the second is refused', async () => {
    const second = coldStartRequest({ OKTA_ISSUER: m.jwks.issuer }, m.store, ROUTES);
    const { at, proof: signed, result } = await dpopCall(m.client);
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
    const at = await boundTo(m.client, { scp: ['ReadOnly'] });
    const { proof: signed, result } = await dpopCall(m.client, {}, at);
    expect(result.status).toBe(403);
    expect(await m.store.claim('probe', 1, 0)).toBe(true);
    expect([...(m.store as unknown as { claimed: Map<string, number> }).claimed.keys()]).toEqual([
      'probe',
    ]);
    expect(signed).toBeTruthy();
  });

  it('the store unreachable: 500, never an Allow', async () => {
    const down: ReplayStore = { claim: () => Promise.reject(new Error('connect ECONNREFUSED')) };
    m.handler = coldStartRequest({ OKTA_ISSUER: m.jwks.issuer }, down, ROUTES);
    const { result } = await dpopCall(m.client);
    expect(result).toEqual({ status: 500 });
    expect(m.logs.decisions().at(-1)).toMatchObject({
      outcome: 'error',
      reason: 'replay_store_unavailable',
    });
  });

  it.each([
    ['no AWS_REGION', { AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined }],
    ['an endpoint that is not a URL', { AWS_ENDPOINT_URL_DYNAMODB: 'dynalite' }],
  ])(
    'the replay store cannot be set up (%s): the cold start survives and says so, then 500, never an Allow',
    async (_name, env) => {
      // The deployed store (no replacement), as the Lambda environment describes it.
      m.handler = coldStartRequest({ OKTA_ISSUER: m.jwks.issuer, ...env }, undefined, ROUTES);
      expect(m.logs.lines()).toContainEqual(
        expect.objectContaining({
          level: 'ERROR',
          message: 'replay store unavailable',
          reason: 'replay_store_unavailable',
        }),
      );
      const { result } = await dpopCall(m.client);
      expect(result).toEqual({ status: 500 });
      expect(m.logs.decisions().at(-1)).toMatchObject({
        outcome: 'error',
        reason: 'replay_store_unavailable',
      });
    },
  );

  it('the table unreachable through the deployed client (no AWS SDK): 500 once its attempts are spent, never an Allow', async () => {
    m.handler = coldStartRequest(
      { OKTA_ISSUER: m.jwks.issuer, AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:1' },
      undefined,
      ROUTES,
    );
    const { result } = await dpopCall(m.client);
    expect(result).toEqual({ status: 500 });
    expect(m.logs.decisions().at(-1)).toMatchObject({
      outcome: 'error',
      reason: 'replay_store_unavailable',
    });
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
    const { result } = await dpopCall(m.client, change());
    expect(result).toEqual({ status: 401 });
    expect(lastReason()).toBe(reason);
  });

  it("signed with a key that is not the token's cnf.jkt", async () => {
    const at = await boundTo(m.client);
    const { result } = await dpopCall(m.other, {}, at);
    expect(result).toEqual({ status: 401 });
    expect(lastReason()).toBe('dpop_binding_mismatch');
  });

  it('a jwk that is not the signing key', async () => {
    const { result } = await dpopCall(m.client, { header: { jwk: m.other.jwk } });
    expect(result).toEqual({ status: 401 });
    expect(lastReason()).toBe('invalid_dpop_proof');
  });

  it('a jwk carrying the private key', async () => {
    const { exportJWK } = await import('jose');
    const privateJwk = await exportJWK(m.client.privateKey);
    const { result } = await dpopCall(m.client, { header: { jwk: privateJwk } });
    expect(result).toEqual({ status: 401 });
    expect(m.logs.decisions().at(-1)).toMatchObject({
      reason: 'invalid_dpop_proof',
      detail: 'the proof carries a private key',
    });
    // The log never holds the key.
    expect(m.logs.text()).not.toContain(privateJwk.d as string);
  });

  it('alg none', async () => {
    const at = await boundTo(m.client);
    const encode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const unsignedProof = `${encode({ typ: 'dpop+jwt', alg: 'none', jwk: m.client.jwk })}.${encode({
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
    const at = await boundTo(m.client);
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
    const at = await boundTo(m.client);
    const make = () =>
      proof(m.client, { htm: 'POST', htu: URL_OF('/api/messages'), accessToken: at });
    expect(
      await call({ authorization: `DPoP ${at}`, proofs: [await make(), await make()] }),
    ).toEqual({
      status: 401,
    });
    expect(m.logs.decisions().at(-1)).toMatchObject({
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
    const at = await boundTo(m.client);
    expect(await call({ authorization: `DPoP ${at}`, proofs })).toEqual({ status: 401 });
    expect(lastReason()).toBe('invalid_dpop_proof');
  });
});
