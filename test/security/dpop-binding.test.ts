import {
  answer,
  coldStart,
  coldStartRequest,
  requestAnswer,
  requestEvent,
} from '../../testkit/authorizer';
import { methodArn } from '../../testkit/iam';
import { type ReplayStore } from '../../authorizer/replay-store';
import { proof } from '../../testkit/dpop';
import { oktaClaims, rsaKey, sign } from '../../testkit/tokens';
import { dpopMatrix } from '../../testkit/dpop-matrix';

// DPoP (RFC 9449), each case sent to the authorizer as API Gateway sends it: the REQUEST
// authorizer on routes that take DPoP, the TOKEN authorizer on the others. The status API Gateway
// would answer, and the reason the decision line gives.
// The scheme and the binding on each kind of route, how the request is read, the decision line.
const m = dpopMatrix();
const { ROUTES, URL_OF, token, boundTo, lastReason, call, dpopCall } = m;

describe('the scheme and the binding, on each kind of route', () => {
  it("a bound token as Bearer on a route with dpop 'off' (the TOKEN authorizer): 401", async () => {
    const tokenAuthorizer = coldStart({ OKTA_ISSUER: m.jwks.issuer });
    const at = await boundTo(m.client);
    expect(
      await answer(tokenAuthorizer, `Bearer ${at}`, methodArn('GET', '/api/whoami')),
    ).toMatchObject({ status: 401 });
    expect(m.logs.decisions().at(-1)).toMatchObject({
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
    const at = await boundTo(m.client);
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
    const at = await boundTo(m.client);
    const signed = await proof(m.client, {
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
    const signed = await proof(m.client, {
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
    expect(await requestAnswer(m.handler, event)).toEqual({ status: 401 });
    expect(lastReason()).toBe('malformed_token');
  });

  it('a bound token whose cnf has no jkt, with the DPoP scheme: 401', async () => {
    const at = await token({ cnf: { x5t: 'abc' } });
    const signed = await proof(m.client, {
      htm: 'POST',
      htu: URL_OF('/api/messages'),
      accessToken: at,
    });
    expect(await call({ authorization: `DPoP ${at}`, proofs: [signed] })).toEqual({ status: 401 });
    expect(lastReason()).toBe('invalid_claims');
  });

  it("an untrusted host (the Host header alone is never trusted): no proof's htu matches", async () => {
    const at = await boundTo(m.client);
    const signed = await proof(m.client, {
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
      oktaClaims(m.jwks.issuer, { cnf: { jkt: m.client.jkt } }),
      await rsaKey(),
    );
    const signed = await proof(m.client, {
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
    const at = await boundTo(m.client);
    const make = () =>
      proof(m.client, { htm: 'POST', htu: URL_OF('/api/messages'), accessToken: at });
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
    const at = await boundTo(m.client);
    const event = requestEvent({
      method: 'POST',
      path: '/api/messages',
      headers: [
        ['authorization', `DPoP ${at}`],
        [
          'dpop',
          await proof(m.client, { htm: 'POST', htu: URL_OF('/api/messages'), accessToken: at }),
        ],
      ],
    });
    delete (event as { multiValueHeaders?: unknown }).multiValueHeaders;
    expect(await requestAnswer(m.handler, event)).toMatchObject({ status: 200 });
  });

  it('a loopback host of DPOP_HOSTS is called over http (the local stack), any other over https', async () => {
    m.handler = coldStartRequest(
      { OKTA_ISSUER: m.jwks.issuer, DPOP_HOSTS: 'localhost:3000,api.example.com' },
      m.store,
      ROUTES,
    );
    const at = await boundTo(m.client);
    const local = await proof(m.client, {
      htm: 'POST',
      htu: 'http://localhost:3000/api/messages',
      accessToken: at,
    });
    expect(
      await call({ authorization: `DPoP ${at}`, proofs: [local], host: 'localhost:3000' }),
    ).toMatchObject({
      status: 200,
    });
    const plain = await proof(m.client, {
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
    m.handler = coldStartRequest(
      { OKTA_ISSUER: m.jwks.issuer, POWERTOOLS_LOG_LEVEL: 'INFO' },
      m.store,
      ROUTES,
    );
    const before = m.logs.decisions().length;
    expect((await dpopCall(m.client)).result.status).toBe(200);
    expect(m.logs.decisions().length).toBe(before);
    expect(await call({ authorization: `Bearer ${await token()}` })).toEqual({ status: 401 });
    expect(m.logs.decisions().slice(before)).toEqual([
      expect.objectContaining({
        outcome: 'unauthorized',
        reason: 'dpop_required',
        durationMs: expect.any(Number),
      }),
    ]);
    expect(m.logs.decisions().at(-1)?.durationMs as number).toBeGreaterThanOrEqual(0);
  });

  it('claims the proof until it is too old to pass anyway: its max age and skew from now', async () => {
    const claims: [string, number, number][] = [];
    const recording: ReplayStore = {
      claim: async (id, expiresAt, now) => {
        claims.push([id, expiresAt, now]);
        return true;
      },
    };
    m.handler = coldStartRequest({ OKTA_ISSUER: m.jwks.issuer }, recording, ROUTES);
    const { proof: signed } = await dpopCall(m.client, { claims: { jti: 'the-jti' } });
    expect(signed).toBeTruthy();
    const [[id, expiresAt, now]] = claims as [[string, number, number]];
    expect(id).toBe(`${m.client.jkt}:the-jti`);
    expect(expiresAt - now).toBeCloseTo(60 + 5, 5);
    expect(Math.abs(now - Date.now() / 1000)).toBeLessThan(5);
  });
});
