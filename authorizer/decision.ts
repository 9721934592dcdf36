import {
  FetchError,
  JwksValidationError,
  JwtBaseError,
  JwtExpiredError,
  JwtInvalidAudienceError,
  JwtInvalidIssuerError,
  JwtInvalidSignatureAlgorithmError,
  JwtInvalidSignatureError,
  JwtNotBeforeError,
  JwtParseError,
  JwtWithoutValidKidError,
  KidNotFoundInJwksError,
  ParameterValidationError,
  WaitPeriodNotYetEndedJwkError,
} from 'aws-jwt-verify/error';
import { missingScopes, type ProtectedRoute, satisfies } from '../route-table/compiled';
import {
  type AccessTokenClaims,
  InvalidClaimsError,
  type TokenVerifier,
  UntrustedKeyHeaderError,
} from './verifier';

export type UnauthorizedReason =
  | 'missing_token'
  | 'unsupported_scheme'
  | 'token_too_large'
  | 'malformed_token'
  | 'unsupported_algorithm'
  | 'missing_kid'
  | 'unknown_key'
  | 'invalid_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'invalid_claims'
  | 'untrusted_key_header'
  /** DPoP (RFC 9449): a bound token sent as Bearer; a Bearer token where DPoP is required. */
  | 'dpop_bound_token'
  | 'dpop_required'
  /** An unbound token sent with the DPoP scheme. */
  | 'unbound_token'
  | 'invalid_dpop_proof'
  | 'dpop_binding_mismatch'
  | 'dpop_replay';

export type ErrorReason =
  | 'jwks_unavailable'
  | 'jwks_invalid'
  | 'misconfigured'
  | 'internal_error'
  | 'replay_store_unavailable';

export type Decision =
  | { outcome: 'allow'; claims: AccessTokenClaims; route: ProtectedRoute }
  | {
      outcome: 'deny';
      reason: 'insufficient_scope';
      claims: AccessTokenClaims;
      route: ProtectedRoute;
      missingScopes: string[];
    }
  /** A request for a path routes.ts does not protect: API Gateway should never send one. */
  | { outcome: 'deny'; reason: 'unknown_route'; claims: AccessTokenClaims }
  | { outcome: 'unauthorized'; reason: UnauthorizedReason; detail?: string }
  | { outcome: 'error'; reason: ErrorReason; error: unknown };

/** Okta access tokens are a few hundred bytes to a few KB; anything larger is not one. */
const MAX_HEADER_BYTES = 8192;
const BEARER_SCHEME = /^bearer/i;
const SPACE = 32;

/** Synchronous when the verifier has the keys in memory; a promise when it has to fetch them. */
export function decide(
  authorization: string | undefined,
  verifier: TokenVerifier,
  route: ProtectedRoute | undefined,
): Decision | Promise<Decision> {
  const header = authorization?.trim();
  if (!header) return { outcome: 'unauthorized', reason: 'missing_token' };
  if (header.length > MAX_HEADER_BYTES)
    return { outcome: 'unauthorized', reason: 'token_too_large' };

  // RFC 7235: credentials = auth-scheme 1*SP token68, the scheme case-insensitive. No regex over
  // the token here, as this runs on every request; the verifier checks its characters on a cache miss.
  if (header.charCodeAt(6) !== SPACE || !BEARER_SCHEME.test(header)) {
    // Stryker disable next-line StringLiteral: split() always returns one element; the fallback only satisfies the type
    const scheme = header.split(/\s/, 1)[0] ?? '';
    // "Bearer" alone, or followed by a tab or a line break.
    if (/^bearer$/i.test(scheme)) return { outcome: 'unauthorized', reason: 'malformed_token' };
    return {
      outcome: 'unauthorized',
      reason: 'unsupported_scheme',
      detail: `only OAuth 2.0 Bearer access tokens are accepted, not ${describeScheme(scheme)}`,
    };
  }
  let start = 7;
  while (header.charCodeAt(start) === SPACE) start += 1;
  const token = header.slice(start);

  let claims: AccessTokenClaims;
  try {
    const verified = verifier.verify(token);
    if (verified instanceof Promise) {
      return verified.then((fetched) => checkAccess(fetched, route), classify);
    }
    claims = verified;
  } catch (error) {
    return classify(error);
  }
  return checkAccess(claims, route);
}

/** Rechecked on every request, cached token or not: what this route requires. */
function checkAccess(claims: AccessTokenClaims, route: ProtectedRoute | undefined): Decision {
  if (!route) return { outcome: 'deny', reason: 'unknown_route', claims };
  if (satisfies(route.requirement, claims.scopes)) return { outcome: 'allow', claims, route };
  return {
    outcome: 'deny',
    reason: 'insufficient_scope',
    claims,
    route,
    missingScopes: missingScopes(route.requirement, claims.scopes),
  };
}

function describeScheme(scheme: string): string {
  if (/^SSWS$/i.test(scheme)) return 'SSWS API tokens';
  // Keep logs free of credentials: name the scheme only when it looks like one.
  return /^[A-Za-z][A-Za-z0-9-]{0,20}$/.test(scheme) ? `the ${scheme} scheme` : 'this header';
}

function classify(error: unknown): Decision {
  const unauthorized = (reason: UnauthorizedReason): Decision => ({
    outcome: 'unauthorized',
    reason,
    detail: error instanceof Error ? error.message : undefined,
  });
  // FetchError extends JwtBaseError too: an unreachable JWKS says nothing about the token.
  if (error instanceof FetchError) return { outcome: 'error', reason: 'jwks_unavailable', error };
  if (error instanceof JwksValidationError)
    return { outcome: 'error', reason: 'jwks_invalid', error };
  if (error instanceof ParameterValidationError)
    return { outcome: 'error', reason: 'misconfigured', error };
  if (error instanceof JwtParseError) return unauthorized('malformed_token');
  if (error instanceof UntrustedKeyHeaderError) return unauthorized('untrusted_key_header');
  if (error instanceof JwtInvalidSignatureAlgorithmError)
    return unauthorized('unsupported_algorithm');
  if (error instanceof JwtWithoutValidKidError) return unauthorized('missing_kid');
  if (error instanceof KidNotFoundInJwksError || error instanceof WaitPeriodNotYetEndedJwkError) {
    return unauthorized('unknown_key');
  }
  if (error instanceof JwtInvalidSignatureError) return unauthorized('invalid_signature');
  if (error instanceof JwtExpiredError) return unauthorized('expired');
  if (error instanceof JwtNotBeforeError) return unauthorized('not_yet_valid');
  if (error instanceof JwtInvalidIssuerError) return unauthorized('wrong_issuer');
  if (error instanceof JwtInvalidAudienceError) return unauthorized('wrong_audience');
  if (error instanceof InvalidClaimsError || error instanceof JwtBaseError)
    return unauthorized('invalid_claims');
  return { outcome: 'error', reason: 'internal_error', error };
}
