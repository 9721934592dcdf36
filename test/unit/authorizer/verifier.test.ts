import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { loadConfig } from '../../../authorizer/config';
import {
  createVerifier,
  InvalidClaimsError,
  readScopes,
  toClaims,
} from '../../../authorizer/verifier';
import { startJwksServer } from '../../../testkit/jwks-server';
import { oktaClaims, rsaKey, sign } from '../../../testkit/tokens';

// The claims the pipeline relies on, read from a verified payload. The whole verifier, keys and
// all, runs in test/security/matrix.test.ts and token-cache.test.ts.
const payload = (claims: Record<string, unknown>) =>
  ({ iss: 'https://issuer', sub: 'someone', exp: 2_000_000_000, ...claims }) as JwtPayload;
const scopes = (count: number, length = 8) =>
  Array.from({ length: count }, (_, i) => `${i}`.padStart(length, 's'));

describe('readScopes', () => {
  it("reads Okta's scp array as it is", () => {
    expect(readScopes(payload({ scp: ['ReadOnly', 'AccessAll'] }))).toEqual([
      'ReadOnly',
      'AccessAll',
    ]);
  });

  it('reads a space-separated scope string, ignoring repeated and surrounding spaces', () => {
    expect(readScopes(payload({ scope: ' openid  AccessAll ' }))).toEqual(['openid', 'AccessAll']);
  });

  it('prefers scp when a token has both', () => {
    expect(readScopes(payload({ scp: ['ReadOnly'], scope: 'AccessAll' }))).toEqual(['ReadOnly']);
  });

  it('reads no scopes from a token without either claim', () => {
    expect(readScopes(payload({}))).toEqual([]);
    expect(readScopes(payload({ scope: '' }))).toEqual([]);
  });

  it('accepts up to 100 scopes of up to 256 characters', () => {
    expect(readScopes(payload({ scp: scopes(100) }))).toHaveLength(100);
    expect(readScopes(payload({ scp: scopes(3, 256) }))).toHaveLength(3);
    expect(readScopes(payload({ scope: 's'.repeat(25_600) }))).toHaveLength(1);
  });

  it.each([
    ['scp not an array', { scp: 'AccessAll' }, 'scp is not an array of scope names'],
    ['scp with a number', { scp: ['AccessAll', 1] }, 'scp is not an array of scope names'],
    [
      'scp with a space in a scope',
      { scp: ['AccessAll ReadOnly'] },
      'scp is not an array of scope names',
    ],
    ['101 scopes', { scp: scopes(101) }, 'scp is larger than any Okta token carries'],
    [
      'a 257-character scope',
      { scp: ['a', 's'.repeat(257)] },
      'scp is larger than any Okta token carries',
    ],
    ['scope not a string', { scope: ['AccessAll'] }, 'scope is not a string'],
    ['a scope string over 25,600 characters', { scope: 's'.repeat(25_601) }, 'scope is too long'],
  ])('refuses %s', (_name, claims, message) => {
    expect(() => readScopes(payload(claims))).toThrow(new InvalidClaimsError(message));
  });
});

describe('toClaims', () => {
  it('keeps what the pipeline needs, and nothing derived yet', () => {
    expect(
      toClaims(payload({ cid: '0oa1', uid: '00u1', scp: ['ReadOnly'], client_id: 'other' })),
    ).toEqual({
      sub: 'someone',
      cid: '0oa1',
      uid: '00u1',
      scopes: ['ReadOnly'],
      issuer: 'https://issuer',
      exp: 2_000_000_000,
      derived: undefined,
    });
  });

  it('takes the client from client_id when there is no cid (non-Okta servers)', () => {
    expect(toClaims(payload({ client_id: 'app' })).cid).toBe('app');
    expect(toClaims(payload({ cid: '', client_id: 'app' })).cid).toBe('app');
  });

  it('leaves out a client or user that is empty or not a string', () => {
    const claims = toClaims(payload({ cid: 42, uid: '' }));
    expect(claims.cid).toBeUndefined();
    expect(claims.uid).toBeUndefined();
    expect(toClaims(payload({ uid: 7 })).uid).toBeUndefined();
  });
});

describe('iat', () => {
  it('may be up to 60 s ahead (clock skew), not more', async () => {
    const key = await rsaKey();
    const jwks = await startJwksServer([key.publicJwk]);
    try {
      const verifier = createVerifier(loadConfig({ OKTA_ISSUER: jwks.issuer }));
      await verifier.hydrate();
      const now = Math.floor(Date.now() / 1000);
      jest.spyOn(Date, 'now').mockReturnValue(now * 1000);
      const token = (iat: number) => sign(oktaClaims(jwks.issuer, { iat }), key);
      expect(verifier.verify(await token(now + 60))).toMatchObject({ sub: 'test-client' });
      const ahead = await token(now + 61);
      expect(() => verifier.verify(ahead)).toThrow(new InvalidClaimsError('iat is in the future'));
    } finally {
      jest.restoreAllMocks();
      await jwks.close();
    }
  });
});
