import { JwtVerifier } from 'aws-jwt-verify/jwt-verifier';
import {
  JwksNotAvailableInCacheError,
  JwtInvalidIssuerError,
  JwtInvalidSignatureAlgorithmError,
  JwtParseError,
  KidNotFoundInJwksError,
  ParameterValidationError,
} from 'aws-jwt-verify/error';
import { decomposeUnverifiedJwt } from 'aws-jwt-verify/jwt';
import type { JwtHeader, JwtPayload } from 'aws-jwt-verify/jwt-model';
import type { TrustedIssuer } from '../settings/okta';
import type { AuthorizerConfig } from './config';
import { COMPACT_JWS } from './compact-jws';
import { ResilientJwksCache } from './jwks-cache';
import { JwksFetcher } from './jwks-fetcher';
import { VerifiedTokenCache } from './token-cache';

/** The claims the rest of the pipeline relies on, read from a verified Okta access token. */
export interface AccessTokenClaims {
  sub: string;
  cid?: string;
  uid?: string;
  scopes: string[];
  issuer: string;
  exp: number;
  /**
   * `cnf` (RFC 9449): a DPoP-bound token's confirmation, `{ jkt }` with the thumbprint of its key;
   * read by the DPoP authorizer (dpop-binding.ts). Any `cnf` makes a token bound.
   */
  cnf?: unknown;
  /**
   * What later steps derived from these claims (the authorizer's answer). The verified-token cache
   * hands back the same object for a repeated token, so it is found again; a one-off token's dies
   * with it, and nothing else holds it.
   */
  derived?: unknown;
}

/** A signed token whose claims are not what an Okta access token carries. */
export class InvalidClaimsError extends Error {
  override name = 'InvalidClaimsError';
}

/** A token header that names its own key or key source: only the issuer's JWKS is trusted. */
export class UntrustedKeyHeaderError extends Error {
  override name = 'UntrustedKeyHeaderError';
}

const ALLOWED_ALG = 'RS256';
const malformed = () => new JwtParseError('Not a JWS Compact Serialization');
const KEY_HEADERS = ['jku', 'jwk', 'x5u', 'x5c'];
const CLOCK_SKEW_SECONDS = 60;
// Okta caps scopes per token far below this; a longer list is not one of its tokens.
const MAX_SCOPES = 100;
const MAX_SCOPE_LENGTH = 256;

export interface TokenVerifier {
  /**
   * The token's claims, or a typed error (aws-jwt-verify's, InvalidClaimsError,
   * UntrustedKeyHeaderError). Synchronous when the keys are in memory, a promise when it must fetch them.
   */
  verify(token: string): AccessTokenClaims | Promise<AccessTokenClaims>;
  /** Loads the JWKS into memory. */
  hydrate(): Promise<void>;
}

export interface VerifierHooks {
  onStaleJwksRefreshFailed?: (error: unknown, jwksUri: string) => void;
}

export function createVerifier(config: AuthorizerConfig, hooks: VerifierHooks = {}): TokenVerifier {
  const verified = new VerifiedTokenCache(config.tokenCacheSize);
  const jwksCache = new ResilientJwksCache({
    fetcher: new JwksFetcher(config.jwksTimeoutMs),
    maxAgeMs: config.jwksMaxAgeMs,
    backoffMs: config.jwksBackoffMs,
    maxBackoffMs: config.jwksMaxBackoffMs,
    onStaleRefreshFailed: hooks.onStaleJwksRefreshFailed,
    // New keys may have dropped old ones: re-verify everything against them.
    onFetched: () => verified.clear(),
  });
  // One verifier for every trusted issuer: each token is checked against its own issuer's keys
  // and audience (aws-jwt-verify picks them by the token's iss).
  const { issuers } = config;
  const verifier = JwtVerifier.create(
    issuers.map((trusted) => ({ ...trusted, customJwtCheck: checkOktaClaims })),
    { jwksCache },
  );

  const remember = (token: string, payload: JwtPayload) => {
    const claims = toClaims(payload);
    verified.set(token, claims);
    return claims;
  };

  /** May fetch the JWKS: refuse first what should never cause a fetch. */
  const verifyFetchingKeys = async (token: string) => {
    if (!COMPACT_JWS.test(token)) throw malformed();
    precheck(token, issuers);
    return remember(token, await verifier.verify(token));
  };

  return {
    hydrate: () => verifier.hydrate(),
    verify(token) {
      if (!issuers.every((trusted) => jwksCache.isFresh(trusted.jwksUri)))
        return verifyFetchingKeys(token);
      const hit = verified.get(token, Date.now() / 1000);
      if (hit) return hit;
      // aws-jwt-verify holds each segment to base64url but allows "=" padding, and decoding
      // ignores it: refuse it on the signature, the one part its own check does not cover.
      if (token.endsWith('=')) throw malformed();
      try {
        return remember(token, verifier.verifySync(token));
      } catch (error) {
        // An iss none of the issuers has (aws-jwt-verify: "issuer not configured"): precheck says so.
        if (
          error instanceof KidNotFoundInJwksError ||
          error instanceof JwksNotAvailableInCacheError ||
          error instanceof ParameterValidationError
        ) {
          return verifyFetchingKeys(token);
        }
        // Stray characters in the header or payload broke the signature: say what was wrong.
        throw COMPACT_JWS.test(token) ? error : malformed();
      }
    },
  };
}

/**
 * Cheap refusals before a key lookup that may fetch: a token with another algorithm, with its own
 * key, or from another authorization server must not make us refetch the JWKS looking for its kid.
 */
function precheck(token: string, issuers: TrustedIssuer[]): void {
  const { header, payload } = decomposeUnverifiedJwt(token);
  checkHeader(header);
  if (!issuers.some((trusted) => trusted.issuer === payload.iss))
    throw new JwtInvalidIssuerError('Issuer not allowed', payload.iss, undefined);
}

function checkHeader(header: JwtHeader): void {
  for (const name of KEY_HEADERS) {
    if (name in header) throw new UntrustedKeyHeaderError(`${name} header is not accepted`);
  }
  if (header.alg !== ALLOWED_ALG) {
    throw new JwtInvalidSignatureAlgorithmError(
      'JWT signature algorithm not allowed',
      header.alg,
      ALLOWED_ALG,
    );
  }
}

/** Runs after aws-jwt-verify has checked the signature, iss, aud, exp and nbf. */
function checkOktaClaims({ header, payload }: { header: JwtHeader; payload: JwtPayload }): void {
  checkHeader(header);
  if (typeof payload.exp !== 'number') throw new InvalidClaimsError('exp is missing');
  if (typeof payload.sub !== 'string' || !payload.sub)
    throw new InvalidClaimsError('sub is missing');
  if (payload.iat !== undefined) {
    // Stryker disable next-line ConditionalExpression,StringLiteral: aws-jwt-verify already refuses a non-numeric iat when it parses the token
    if (typeof payload.iat !== 'number') throw new InvalidClaimsError('iat is not a number');
    if (payload.iat > Date.now() / 1000 + CLOCK_SKEW_SECONDS) {
      throw new InvalidClaimsError('iat is in the future');
    }
  }
  // scp and scope are checked once, by toClaims, which reads them.
}

/** Okta puts scopes in the `scp` array; other servers use a space-separated `scope` string. */
export function readScopes(payload: JwtPayload): string[] {
  const { scp, scope } = payload;
  if (scp !== undefined) {
    // RFC 6749 scope names have no spaces; one that does would read as two in the context.
    if (
      !Array.isArray(scp) ||
      !scp.every((s): s is string => typeof s === 'string' && !s.includes(' '))
    ) {
      throw new InvalidClaimsError('scp is not an array of scope names');
    }
    if (scp.length > MAX_SCOPES || scp.some((s) => s.length > MAX_SCOPE_LENGTH)) {
      throw new InvalidClaimsError('scp is larger than any Okta token carries');
    }
    return scp;
  }
  if (scope !== undefined) {
    if (typeof scope !== 'string') throw new InvalidClaimsError('scope is not a string');
    if (scope.length > MAX_SCOPES * MAX_SCOPE_LENGTH)
      throw new InvalidClaimsError('scope is too long');
    return scope.split(' ').filter(Boolean);
  }
  return [];
}

const optional = (value: unknown) => (typeof value === 'string' && value ? value : undefined);

export function toClaims(payload: JwtPayload): AccessTokenClaims {
  return {
    cnf: payload.cnf,
    sub: payload.sub as string,
    cid: optional(payload.cid) ?? optional(payload.client_id),
    uid: optional(payload.uid),
    scopes: readScopes(payload),
    issuer: payload.iss as string,
    exp: payload.exp as number,
    derived: undefined,
  };
}
