import { parseIssuers, type TrustedIssuer } from '../settings/okta';

export interface AuthorizerConfig {
  /** OKTA_ISSUER's issuers (comma-separated), each with its OKTA_AUDIENCE (one for all, or one each). */
  issuers: TrustedIssuer[];
  /** Upper bound for one JWKS request; well inside the Lambda timeout. */
  jwksTimeoutMs: number;
  /** A JWKS older than this is refetched: the bound on trusting a key the issuer has removed. */
  jwksMaxAgeMs: number;
  /** Pause after a failed JWKS fetch, doubling per failure up to the max. */
  jwksBackoffMs: number;
  jwksMaxBackoffMs: number;
  /** How many verified tokens a warm container remembers (see token-cache.ts for the memory bound). */
  tokenCacheSize: number;
}

const JWKS_TIMEOUT_MS = 2000;
const JWKS_MAX_AGE_MS = 10 * 60 * 1000;
const JWKS_BACKOFF_MS = 1000;
const JWKS_MAX_BACKOFF_MS = 30 * 1000;
const TOKEN_CACHE_SIZE = 1000;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AuthorizerConfig {
  return {
    issuers: parseIssuers(env),
    jwksTimeoutMs: JWKS_TIMEOUT_MS,
    jwksMaxAgeMs: JWKS_MAX_AGE_MS,
    jwksBackoffMs: JWKS_BACKOFF_MS,
    jwksMaxBackoffMs: JWKS_MAX_BACKOFF_MS,
    tokenCacheSize: TOKEN_CACHE_SIZE,
  };
}
