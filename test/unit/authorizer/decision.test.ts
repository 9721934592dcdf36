import {
  FetchError,
  JwksValidationError,
  JwtExpiredError,
  JwtInvalidAudienceError,
  JwtInvalidIssuerError,
  JwtInvalidScopeError,
  JwtInvalidSignatureAlgorithmError,
  JwtInvalidSignatureError,
  JwtNotBeforeError,
  JwtParseError,
  JwtWithoutValidKidError,
  KidNotFoundInJwksError,
  NonRetryableFetchError,
  ParameterValidationError,
  WaitPeriodNotYetEndedJwkError,
} from 'aws-jwt-verify/error';
import { type Decision, decide } from '../../../authorizer/decision';
import { compileRouteTable, type ProtectedRoute } from '../../../route-table/compile';
import {
  type AccessTokenClaims,
  InvalidClaimsError,
  type TokenVerifier,
  UntrustedKeyHeaderError,
} from '../../../authorizer/verifier';

// decide() on its own, with a verifier that answers as told: every branch between the header and
// the decision, without keys or a JWKS.
const [readOnly, accessAll, anyToken] = compileRouteTable({
  'GET /read': { anyOf: ['ReadOnly', 'AccessAll'] },
  'GET /all': { allOf: ['AccessAll', 'Admin'] },
  'GET /any': 'authenticated',
}).protectedRoutes as [ProtectedRoute, ProtectedRoute, ProtectedRoute];

const claims = (scopes: string[]): AccessTokenClaims => ({
  sub: 'someone',
  scopes,
  issuer: 'https://issuer.example/oauth2/default',
  exp: 2_000_000_000,
});

/** A verifier that returns `result` (or throws it, for an Error), and records what it was given. */
function verifierAnswering(result: AccessTokenClaims | Error, async = false) {
  const seen: string[] = [];
  const verifier: TokenVerifier = {
    hydrate: () => Promise.resolve(),
    verify(token) {
      seen.push(token);
      if (async) return result instanceof Error ? Promise.reject(result) : Promise.resolve(result);
      if (result instanceof Error) throw result;
      return result;
    },
  };
  return { verifier, seen };
}

describe('the Authorization header', () => {
  const ok = verifierAnswering(claims(['ReadOnly']));

  it.each([
    ['no header', undefined, 'missing_token'],
    ['an empty header', '', 'missing_token'],
    ['only spaces', '   ', 'missing_token'],
    ['"Bearer" alone', 'Bearer', 'malformed_token'],
    ['"Bearer" and spaces', 'Bearer    ', 'malformed_token'],
    ['"Bearer", a tab and a token', 'Bearer\tabc.def.ghi', 'malformed_token'],
    ['"Bearer", a line break and a token', 'bearer\nabc.def.ghi', 'malformed_token'],
    ['a token without a scheme', 'abc.def.ghi', 'unsupported_scheme'],
    ['"Bearerx" and a token', 'Bearerx abc.def.ghi', 'unsupported_scheme'],
    ['Basic credentials', 'Basic dXNlcjpwYXNz', 'unsupported_scheme'],
    ['a six-letter scheme followed by "bearer"', 'Digest bearer.x.y', 'unsupported_scheme'],
    ['"xbearer", a tab and a token', 'xbearer\tabc.def.ghi', 'unsupported_scheme'],
  ])('%s: 401 %s, and the verifier is never asked', (_name, header, reason) => {
    const { verifier, seen } = verifierAnswering(claims(['ReadOnly']));
    expect(decide(header, verifier, readOnly)).toMatchObject({ outcome: 'unauthorized', reason });
    expect(seen).toEqual([]);
  });

  it('is refused over 8 KB, and accepted up to it', () => {
    const { verifier, seen } = verifierAnswering(claims(['ReadOnly']));
    const at = `Bearer ${'a'.repeat(8192 - 7)}`;
    expect(decide(at, verifier, readOnly)).toMatchObject({ outcome: 'allow' });
    expect(decide(`${at}a`, verifier, readOnly)).toEqual({
      outcome: 'unauthorized',
      reason: 'token_too_large',
    });
    expect(seen).toHaveLength(1);
  });

  it('hands the verifier exactly the token: scheme, spaces and surrounding blanks removed', () => {
    const { verifier, seen } = verifierAnswering(claims(['ReadOnly']));
    for (const header of ['Bearer a.b.c', '  bearer    a.b.c  ', 'BEARER a.b.c']) {
      expect(decide(header, verifier, readOnly)).toMatchObject({ outcome: 'allow' });
    }
    expect(seen).toEqual(['a.b.c', 'a.b.c', 'a.b.c']);
  });

  it.each([
    [
      'Basic dXNlcjpwYXNz',
      'only OAuth 2.0 Bearer access tokens are accepted, not the Basic scheme',
    ],
    ['SSWS 00abcdef', 'only OAuth 2.0 Bearer access tokens are accepted, not SSWS API tokens'],
    ['ssws 00abcdef', 'only OAuth 2.0 Bearer access tokens are accepted, not SSWS API tokens'],
    // Not a scheme name: possibly the credential itself, so it is not repeated.
    [
      'eyJhbGciOiJSUzI1NiJ9.e30.sig',
      'only OAuth 2.0 Bearer access tokens are accepted, not this header',
    ],
    [
      'Digest-Auth-Scheme-Nam x',
      'only OAuth 2.0 Bearer access tokens are accepted, not this header',
    ],
    ['9Basic x', 'only OAuth 2.0 Bearer access tokens are accepted, not this header'],
    ['Basic_ x', 'only OAuth 2.0 Bearer access tokens are accepted, not this header'],
    ['xSSWS x', 'only OAuth 2.0 Bearer access tokens are accepted, not the xSSWS scheme'],
    ['SSWSx x', 'only OAuth 2.0 Bearer access tokens are accepted, not the SSWSx scheme'],
    [
      'Digest-Auth-Scheme-Na x',
      'only OAuth 2.0 Bearer access tokens are accepted, not the Digest-Auth-Scheme-Na scheme',
    ],
  ])(
    'names the scheme of %p only when it looks like one (the log shows this)',
    (header, detail) => {
      expect(decide(header, ok.verifier, readOnly)).toEqual({
        outcome: 'unauthorized',
        reason: 'unsupported_scheme',
        detail,
      });
    },
  );
});

describe("the route's requirement, checked on the verified claims", () => {
  const decideWith = (scopes: string[], route: ProtectedRoute | undefined) =>
    decide('Bearer a.b.c', verifierAnswering(claims(scopes)).verifier, route);

  it('allows a token whose scopes satisfy the route', () => {
    const token = claims(['ReadOnly']);
    expect(decide('Bearer a.b.c', verifierAnswering(token).verifier, readOnly)).toEqual({
      outcome: 'allow',
      claims: token,
      route: readOnly,
    });
    expect(decideWith(['AccessAll', 'Admin'], accessAll)).toMatchObject({ outcome: 'allow' });
    expect(decideWith([], anyToken)).toMatchObject({ outcome: 'allow' });
  });

  it('denies one that does not, naming the scopes it lacks', () => {
    expect(decideWith(['AccessAll'], accessAll)).toMatchObject({
      outcome: 'deny',
      reason: 'insufficient_scope',
      route: accessAll,
      missingScopes: ['Admin'],
    });
    expect(decideWith(['Other'], readOnly)).toMatchObject({
      outcome: 'deny',
      reason: 'insufficient_scope',
      missingScopes: ['ReadOnly', 'AccessAll'],
    });
  });

  it('denies a request for a route the table does not protect, whatever the scopes', () => {
    expect(decideWith(['ReadOnly', 'AccessAll', 'Admin'], undefined)).toMatchObject({
      outcome: 'deny',
      reason: 'unknown_route',
    });
  });

  it('answers at once when the keys are in memory, and with a promise when they are fetched', async () => {
    const sync = decide('Bearer a.b.c', verifierAnswering(claims(['ReadOnly'])).verifier, readOnly);
    expect(sync).not.toBeInstanceOf(Promise);
    const fetched = decide(
      'Bearer a.b.c',
      verifierAnswering(claims(['Other']), true).verifier,
      readOnly,
    );
    expect(fetched).toBeInstanceOf(Promise);
    await expect(fetched).resolves.toMatchObject({
      outcome: 'deny',
      reason: 'insufficient_scope',
    });
  });
});

describe('what a verification error becomes', () => {
  // 401 makes a client fetch a new token: only for a problem with the token itself. Anything
  // else is a 500, so a client does not hammer Okta for tokens while our side is broken.
  const cases: [string, Error, Decision['outcome'], string][] = [
    [
      'JWKS unreachable',
      new FetchError('https://x/v1/keys', 'ECONNREFUSED'),
      'error',
      'jwks_unavailable',
    ],
    [
      'JWKS status 503',
      new NonRetryableFetchError('https://x/v1/keys', '503'),
      'error',
      'jwks_unavailable',
    ],
    ['JWKS not a key set', new JwksValidationError('bad'), 'error', 'jwks_invalid'],
    ['verifier misconfigured', new ParameterValidationError('bad'), 'error', 'misconfigured'],
    ['a bug (TypeError)', new TypeError('x is undefined'), 'error', 'internal_error'],
    ['a plain Error', new Error('boom'), 'error', 'internal_error'],
    ['not a JWT', new JwtParseError('bad'), 'unauthorized', 'malformed_token'],
    [
      'a key in the header',
      new UntrustedKeyHeaderError('x5c'),
      'unauthorized',
      'untrusted_key_header',
    ],
    [
      'another algorithm',
      new JwtInvalidSignatureAlgorithmError('alg', 'HS256', 'RS256'),
      'unauthorized',
      'unsupported_algorithm',
    ],
    ['no kid', new JwtWithoutValidKidError('kid'), 'unauthorized', 'missing_kid'],
    ['an unknown kid', new KidNotFoundInJwksError('kid'), 'unauthorized', 'unknown_key'],
    [
      'an unknown kid, again',
      new WaitPeriodNotYetEndedJwkError('wait'),
      'unauthorized',
      'unknown_key',
    ],
    ['a bad signature', new JwtInvalidSignatureError('sig'), 'unauthorized', 'invalid_signature'],
    ['expired', new JwtExpiredError('exp', 1), 'unauthorized', 'expired'],
    ['not yet valid', new JwtNotBeforeError('nbf', 2), 'unauthorized', 'not_yet_valid'],
    ['another issuer', new JwtInvalidIssuerError('iss', 'a', 'b'), 'unauthorized', 'wrong_issuer'],
    [
      'another audience',
      new JwtInvalidAudienceError('aud', 'a', 'b'),
      'unauthorized',
      'wrong_audience',
    ],
    [
      'claims Okta never sends',
      new InvalidClaimsError('sub is missing'),
      'unauthorized',
      'invalid_claims',
    ],
    [
      'any other token check',
      new JwtInvalidScopeError('scope', 'a', 'b'),
      'unauthorized',
      'invalid_claims',
    ],
  ];

  it.each(cases)('%s: %s %s, thrown or rejected', async (_name, error, outcome, reason) => {
    for (const async of [false, true]) {
      const decision = await decide(
        'Bearer a.b.c',
        verifierAnswering(error, async).verifier,
        readOnly,
      );
      expect(decision).toMatchObject({ outcome, reason });
      if (outcome === 'error') expect(decision).toMatchObject({ error });
      else expect(decision).toMatchObject({ detail: error.message });
    }
  });

  it('a thrown non-Error is an internal error too, with no detail to leak', async () => {
    const verifier: TokenVerifier = {
      hydrate: () => Promise.resolve(),
      verify: () => {
        throw 'a string';
      },
    };
    expect(decide('Bearer a.b.c', verifier, readOnly)).toEqual({
      outcome: 'error',
      reason: 'internal_error',
      error: 'a string',
    });
  });
});
