/** A custom authorization server whose tokens are accepted, and the audience they must carry. */
export interface TrustedIssuer {
  /** The issuer, without a trailing slash. */
  issuer: string;
  /** Okta publishes keys at `${issuer}/v1/keys`, not at `/.well-known/jwks.json`. */
  jwksUri: string;
  audience: string;
}

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

export class ConfigError extends Error {
  // Stryker disable next-line StringLiteral: the error's name, shown in logs only
  override name = 'ConfigError';
}

const DEFAULT_AUDIENCE = 'api://default';
const JWKS_TIMEOUT_MS = 2000;
const JWKS_MAX_AGE_MS = 10 * 60 * 1000;
const JWKS_BACKOFF_MS = 1000;
const JWKS_MAX_BACKOFF_MS = 30 * 1000;
const TOKEN_CACHE_SIZE = 1000;
const EXAMPLE_ISSUER = 'https://dev-123456.okta.com/oauth2/default';

export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

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

/** OKTA_ISSUER's issuers (comma-separated), each with its audience from OKTA_AUDIENCE. */
export function parseIssuers(env: NodeJS.ProcessEnv): TrustedIssuer[] {
  const issuers = (env.OKTA_ISSUER ?? '').split(',').map(parseIssuer);
  const audiences = env.OKTA_AUDIENCE?.split(',').map(parseAudience) ?? [DEFAULT_AUDIENCE];
  if (audiences.length > 1 && audiences.length !== issuers.length) {
    throw new ConfigError(
      `OKTA_AUDIENCE has ${audiences.length} audiences for ${issuers.length} issuers: give one, or one per OKTA_ISSUER in order.`,
    );
  }
  return issuers.map((issuer, i) => ({
    issuer,
    jwksUri: `${issuer}/v1/keys`,
    audience: audiences[audiences.length > 1 ? i : 0] as string,
  }));
}

export function parseIssuer(raw: string | undefined): string {
  const value = raw?.trim();
  if (!value) {
    throw new ConfigError(
      `OKTA_ISSUER is not set: set it to your authorization server's issuer, e.g. ${EXAMPLE_ISSUER} ` +
        '(Security > API > Authorization Servers), or use `npm start` and its local issuer.',
    );
  }
  if (/\{[^}]*\}/.test(value)) {
    throw new ConfigError(
      `OKTA_ISSUER has a placeholder (${value}). Replace {yourOktaDomain} with your Okta domain, e.g. ${EXAMPLE_ISSUER}.`,
    );
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(
      `OKTA_ISSUER is not a URL (${value}): use one such as ${EXAMPLE_ISSUER}.`,
    );
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new ConfigError(
      `OKTA_ISSUER must be a URL without query, fragment or credentials (${value}).`,
    );
  }
  if (/-admin\./i.test(url.hostname)) {
    const fixed = url.hostname.replace(/-admin\./i, '.');
    throw new ConfigError(
      `OKTA_ISSUER uses the admin domain ${url.hostname}: use https://${fixed}${url.pathname}.`,
    );
  }
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new ConfigError(
      `OKTA_ISSUER must use https (${value}): http only for a loopback issuer, as the local one.`,
    );
  }
  const path = url.pathname.replace(/\/+$/, '');
  if (!/^\/oauth2\/[^/]+$/.test(path) || path === '/oauth2/v1') {
    throw new ConfigError(
      `OKTA_ISSUER (${value}) is not a custom authorization server: the org authorization server's ` +
        `tokens are for Okta's own APIs. Use https://${url.host}/oauth2/default or /oauth2/{authorizationServerId}.`,
    );
  }
  return `${url.protocol}//${url.host}${path}`;
}

export function parseAudience(raw: string | undefined): string {
  if (raw === undefined) return DEFAULT_AUDIENCE;
  const value = raw.trim();
  if (!value) {
    throw new ConfigError(
      `OKTA_AUDIENCE is empty: set your server's audience (${DEFAULT_AUDIENCE} for default) or unset it.`,
    );
  }
  return value;
}

/**
 * A setting that no longer does anything must not look as if it protected something. Checked where
 * users set it (serverless.settings.cjs, npm start); the deployed template never passes it on.
 */
export function rejectRetiredSettings(env: NodeJS.ProcessEnv): void {
  if (env.OKTA_REQUIRED_SCOPES !== undefined) {
    throw new ConfigError(
      "OKTA_REQUIRED_SCOPES is no longer used: each route's scopes are in routes.ts " +
        // Stryker disable next-line StringLiteral: wording of a message (the log's detail or the build's refusal); tests check the outcome and reason
        "(e.g. 'GET /api/whoami': { allOf: ['AccessAll'] }). Remove it from the environment or .env.",
    );
  }
}

/** What the REQUEST authorizer needs beyond the TOKEN authorizer's configuration. */
export interface DpopConfig {
  /** The DynamoDB table that holds each proof's `jti` until it expires. */
  replayTable: string;
  /** Hosts a proof's `htu` may name besides the API's execute-api domain (custom domains, local). */
  hosts: string[];
  /** How old a proof may be, and how far ahead of our clock, in seconds. */
  maxAgeSeconds: number;
  futureSkewSeconds: number;
}

export function loadDpopConfig(env: NodeJS.ProcessEnv = process.env): DpopConfig {
  const replayTable = env.DPOP_REPLAY_TABLE?.trim();
  if (!replayTable) {
    throw new ConfigError(
      'DPOP_REPLAY_TABLE is not set: the DPoP authorizer needs its replay table (serverless.yml sets it from the DpopReplayTable resource).',
    );
  }
  return {
    replayTable,
    hosts: parseHosts(env.DPOP_HOSTS),
    maxAgeSeconds: seconds('DPOP_PROOF_MAX_AGE', env.DPOP_PROOF_MAX_AGE, 60, 5, 300),
    futureSkewSeconds: seconds('DPOP_PROOF_FUTURE_SKEW', env.DPOP_PROOF_FUTURE_SKEW, 5, 0, 60),
  };
}

export function parseHosts(raw: string | undefined): string[] {
  const hosts = (raw ?? '')
    .split(',')
    .map((host) => host.trim().toLowerCase())
    .filter(Boolean);
  for (const host of hosts) {
    if (!/^[a-z0-9.-]+(:\d{1,5})?$/.test(host) && !/^\[::1\](:\d{1,5})?$/.test(host)) {
      throw new ConfigError(
        `DPOP_HOSTS has ${JSON.stringify(host)}, which is not a host name: list your custom domains, e.g. api.example.com,api.example.org.`,
      );
    }
  }
  return hosts;
}

function seconds(
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(
      `${name} must be a whole number of seconds from ${min} to ${max}, not ${JSON.stringify(raw)}.`,
    );
  }
  return value;
}
