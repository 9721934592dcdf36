import { JwtVerifier } from 'aws-jwt-verify';
import { JwtExpiredError } from 'aws-jwt-verify/error';
import { loadConfig } from '../../../authorizer/config';
import { decide } from '../../../authorizer/decision';
import { compileRouteTable } from '../../../route-table/compile';
import { VerifiedTokenCache } from '../../../authorizer/token-cache';
import {
  type AccessTokenClaims,
  createVerifier,
  type TokenVerifier,
} from '../../../authorizer/verifier';
import { type JwksServer, startJwksServer } from '../../../testkit/jwks-server';
import { oktaClaims, rsaKey, sign, tamper, type TestKey } from '../../../testkit/tokens';

const claims = (exp: number): AccessTokenClaims => ({
  sub: 's',
  scopes: ['AccessAll'],
  issuer: 'i',
  exp,
});
/** A token is admitted on its second successful verification. */
const admit = (cache: VerifiedTokenCache, token: string, value: AccessTokenClaims) => {
  cache.set(token, value);
  cache.set(token, value);
};

describe('VerifiedTokenCache', () => {
  it('admits a token on its second verification, not its first', () => {
    const cache = new VerifiedTokenCache(10);
    cache.set('t', claims(100));
    expect(cache.get('t', 0)).toBeUndefined();
    cache.set('t', claims(100));
    expect(cache.get('t', 0)).toEqual(claims(100));
  });

  it('does not let tokens seen once push out the ones in use', () => {
    const cache = new VerifiedTokenCache(3);
    admit(cache, 'hot', claims(100));
    for (let i = 0; i < 1000; i += 1) cache.set(`one-off-${i}`, claims(100));
    expect(cache.get('hot', 0)).toEqual(claims(100));
    expect(cache.size).toBe(1);
  });

  it('remembers at most 4 × its size of tokens seen once, then starts over', () => {
    // Size 2: room to note 8 tokens seen once. A token's second verification admits it only if
    // its first is still noted.
    const fresh = () => {
      const cache = new VerifiedTokenCache(2);
      cache.set('first', claims(100));
      return cache;
    };
    const kept = fresh();
    for (let i = 0; i < 7; i += 1) kept.set(`one-off-${i}`, claims(100));
    kept.set('first', claims(100));
    expect(kept.get('first', 0)).toEqual(claims(100));

    const forgotten = fresh();
    for (let i = 0; i < 8; i += 1) forgotten.set(`one-off-${i}`, claims(100));
    forgotten.set('first', claims(100));
    expect(forgotten.get('first', 0)).toBeUndefined();
  });

  it('forgets the tokens seen once when cleared', () => {
    const cache = new VerifiedTokenCache(10);
    admit(cache, 'in-use', claims(100));
    cache.set('once', claims(100));
    cache.clear();
    expect(cache.size).toBe(0);
    expect(cache.get('in-use', 0)).toBeUndefined();
    cache.set('once', claims(100));
    expect(cache.get('once', 0)).toBeUndefined();
  });

  it('keeps the most recently used entry when the one used before it is used again', () => {
    const cache = new VerifiedTokenCache(2);
    admit(cache, 'a', claims(100));
    admit(cache, 'b', claims(100));
    cache.get('b', 0);
    cache.get('a', 0);
    cache.get('a', 0);
    admit(cache, 'c', claims(100));
    expect(cache.get('b', 0)).toBeUndefined();
    expect(cache.get('a', 0)).toBeDefined();
    // Admitting a token again makes it the most recent, rather than adding a second entry.
    const readmitted = new VerifiedTokenCache(2);
    admit(readmitted, 'a', claims(100));
    admit(readmitted, 'b', claims(100));
    admit(readmitted, 'a', claims(100));
    admit(readmitted, 'c', claims(100));
    expect(readmitted.get('a', 0)).toBeDefined();
    expect(readmitted.get('b', 0)).toBeUndefined();
    admit(cache, 'a', claims(200));
    expect(cache.size).toBe(2);
    expect(cache.get('a', 150)).toEqual(claims(200));
  });

  it('returns what was stored, until it expires', () => {
    const cache = new VerifiedTokenCache(10);
    admit(cache, 't', claims(100));
    expect(cache.get('t', 99)).toEqual(claims(100));
    expect(cache.get('t', 100)).toBeUndefined();
    expect(cache.size).toBe(0); // an expired entry is dropped, not kept
  });

  it('evicts the least recently used entry at the bound', () => {
    const cache = new VerifiedTokenCache(3);
    for (const token of ['a', 'b', 'c']) admit(cache, token, claims(100));
    cache.get('a', 0); // a is now the most recently used
    admit(cache, 'd', claims(100));
    expect(cache.size).toBe(3);
    expect(cache.get('b', 0)).toBeUndefined();
    for (const token of ['a', 'c', 'd']) expect(cache.get(token, 0)).toBeDefined();
  });

  it('stays within its bound however many tokens come', () => {
    const cache = new VerifiedTokenCache(100);
    for (let i = 0; i < 10_000; i += 1) admit(cache, `token-${i}`, claims(100));
    expect(cache.size).toBe(100);
  });

  it('matches the whole token, not just the end of its signature', () => {
    const cache = new VerifiedTokenCache(10);
    const token = `header.payload.${'s'.repeat(342)}`;
    admit(cache, token, claims(100));
    expect(cache.get(`header.other-payload.${'s'.repeat(342)}`, 0)).toBeUndefined();
    expect(cache.get(token, 0)).toEqual(claims(100));
  });

  it('holds nothing with a size of 0', () => {
    const cache = new VerifiedTokenCache(0);
    admit(cache, 't', claims(100));
    expect(cache.get('t', 0)).toBeUndefined();
  });
});

describe('the verifier with its cache', () => {
  let key: TestKey;
  let jwks: JwksServer;
  let verifier: TokenVerifier;
  let verifySync: jest.SpyInstance;

  beforeAll(async () => {
    key = await rsaKey();
  });
  beforeEach(async () => {
    jwks = await startJwksServer([key.publicJwk]);
    verifier = createVerifier(loadConfig({ OKTA_ISSUER: jwks.issuer }));
    await verifier.hydrate();
    verifySync = jest.spyOn(JwtVerifier.prototype, 'verifySync');
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await jwks.close();
  });

  const token = (overrides: Record<string, unknown> = {}) =>
    sign(oktaClaims(jwks.issuer, overrides), key);

  it('from its second use on, a token comes from the cache, without checking its signature again', async () => {
    const t = await token();
    const first = verifier.verify(t);
    for (let i = 0; i < 5; i += 1) expect(verifier.verify(t)).toEqual(first);
    expect(verifySync).toHaveBeenCalledTimes(2);
  });

  it('a token that expires while cached is refused', async () => {
    const exp = Math.floor(Date.now() / 1000) + 60;
    const t = await token({ exp });
    expect(verifier.verify(t)).toMatchObject({ exp });
    jest.spyOn(Date, 'now').mockReturnValue((exp + 1) * 1000);
    expect(() => verifier.verify(t)).toThrow(JwtExpiredError);
  });

  it("caches the verification, not the decision: each route's scopes are checked on every hit", async () => {
    const t = await token({ scp: ['ReadOnly'] });
    verifier.verify(t);
    verifier.verify(t); // cached from here on
    const [read, write] = compileRouteTable({
      'GET /read': { allOf: ['ReadOnly'] },
      'POST /write': { allOf: ['AccessAll'] },
    }).protectedRoutes;
    expect(decide(`Bearer ${t}`, verifier, read)).toMatchObject({ outcome: 'allow' });
    expect(decide(`Bearer ${t}`, verifier, write)).toMatchObject({
      outcome: 'deny',
      missingScopes: ['AccessAll'],
    });
    expect(decide(`Bearer ${t}`, verifier, read)).toMatchObject({ outcome: 'allow' });
    expect(verifySync).toHaveBeenCalledTimes(2);
  });

  it('never caches a failure, and never as a success', async () => {
    const bad = tamper(await token());
    for (let i = 0; i < 3; i += 1) expect(() => verifier.verify(bad)).toThrow(/signature/i);
    expect(verifySync).toHaveBeenCalledTimes(3);
  });

  it('forgets everything when the JWKS is fetched again (keys may have been removed)', async () => {
    const t = await token();
    verifier.verify(t);
    verifier.verify(t);
    verifier.verify(t); // a hit
    expect(verifySync).toHaveBeenCalledTimes(2);
    const stranger = await rsaKey();
    await expect(verifier.verify(await sign(oktaClaims(jwks.issuer), stranger))).rejects.toThrow(
      /not found/,
    );
    expect(jwks.requests).toBe(2);
    verifier.verify(t); // verified again: the fetch emptied the cache
    expect(verifySync).toHaveBeenCalledTimes(4);
  });
});
