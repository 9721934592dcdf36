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

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AuthorizerConfig {
  return {
    issuers: parseIssuers(env),
    jwksTimeoutMs: 2_000,
    jwksMaxAgeMs: 600_000, // ten minutes
    jwksBackoffMs: 1_000,
    jwksMaxBackoffMs: 30_000,
    tokenCacheSize: 1_000,
  };
}
