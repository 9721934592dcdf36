export interface AuthorizerConfig {
  /** The custom authorization server's issuer, without a trailing slash. */
  issuer: string;
  /** Okta publishes keys at `${issuer}/v1/keys`, not at `/.well-known/jwks.json`. */
  jwksUri: string;
  audience: string;
  /** Every one of these must be in the token's scopes. */
  requiredScopes: string[];
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
  override name = 'ConfigError';
}

const DEFAULT_AUDIENCE = 'api://default';
export const DEFAULT_REQUIRED_SCOPES = 'AccessAll';
const JWKS_TIMEOUT_MS = 2000;
const JWKS_MAX_AGE_MS = 10 * 60 * 1000;
const JWKS_BACKOFF_MS = 1000;
const JWKS_MAX_BACKOFF_MS = 30 * 1000;
const TOKEN_CACHE_SIZE = 1000;
const EXAMPLE_ISSUER = 'https://dev-123456.okta.com/oauth2/default';
// RFC 6749 section 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AuthorizerConfig {
  const issuer = parseIssuer(env.OKTA_ISSUER);
  return {
    issuer,
    jwksUri: `${issuer}/v1/keys`,
    audience: parseAudience(env.OKTA_AUDIENCE),
    requiredScopes: parseScopes(env.OKTA_REQUIRED_SCOPES),
    jwksTimeoutMs: JWKS_TIMEOUT_MS,
    jwksMaxAgeMs: JWKS_MAX_AGE_MS,
    jwksBackoffMs: JWKS_BACKOFF_MS,
    jwksMaxBackoffMs: JWKS_MAX_BACKOFF_MS,
    tokenCacheSize: TOKEN_CACHE_SIZE,
  };
}

export function parseIssuer(raw: string | undefined): string {
  const value = raw?.trim();
  if (!value) {
    throw new ConfigError(
      `OKTA_ISSUER is not set. Set it to your Okta authorization server's issuer, e.g. ${EXAMPLE_ISSUER} ` +
        '(Admin Console: Security > API > Authorization Servers). For local development, `npm start` starts a local issuer.',
    );
  }
  if (/\{[^}]*\}/.test(value)) {
    throw new ConfigError(
      `OKTA_ISSUER still contains a placeholder (${value}). Replace {yourOktaDomain} with your Okta domain, e.g. ${EXAMPLE_ISSUER}.`,
    );
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(
      `OKTA_ISSUER is not a URL (${value}). Use a value such as ${EXAMPLE_ISSUER}.`,
    );
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new ConfigError(
      `OKTA_ISSUER must be a plain issuer URL without query, fragment or credentials (${value}).`,
    );
  }
  if (/-admin\./i.test(url.hostname)) {
    const fixed = url.hostname.replace(/-admin\./i, '.');
    throw new ConfigError(
      `OKTA_ISSUER uses the admin domain ${url.hostname}. Use your Okta domain without -admin: https://${fixed}${url.pathname}.`,
    );
  }
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new ConfigError(
      `OKTA_ISSUER must use https (${value}). Plain http is accepted only for a loopback issuer such as the local one.`,
    );
  }
  const path = url.pathname.replace(/\/+$/, '');
  if (!/^\/oauth2\/[^/]+$/.test(path) || path === '/oauth2/v1') {
    throw new ConfigError(
      `OKTA_ISSUER (${value}) is not a custom authorization server. Access tokens from the org authorization server ` +
        `(https://${url.host}) are meant for Okta's own APIs and cannot be verified by your API. ` +
        `Use https://${url.host}/oauth2/default or https://${url.host}/oauth2/{authorizationServerId}.`,
    );
  }
  return `${url.protocol}//${url.host}${path}`;
}

function parseAudience(raw: string | undefined): string {
  if (raw === undefined) return DEFAULT_AUDIENCE;
  const value = raw.trim();
  if (!value) {
    throw new ConfigError(
      `OKTA_AUDIENCE is empty. Set it to your authorization server's audience (${DEFAULT_AUDIENCE} for the default server), or unset it.`,
    );
  }
  return value;
}

export function parseScopes(raw: string | undefined): string[] {
  const scopes = (raw ?? DEFAULT_REQUIRED_SCOPES).split(/\s+/).filter(Boolean);
  if (scopes.length === 0) {
    throw new ConfigError(
      `OKTA_REQUIRED_SCOPES is empty, so whoami would accept a token with any scope. Set at least one scope, e.g. ${DEFAULT_REQUIRED_SCOPES}, or unset it.`,
    );
  }
  const bad = scopes.find((scope) => !SCOPE_TOKEN.test(scope));
  if (bad !== undefined) {
    throw new ConfigError(
      `OKTA_REQUIRED_SCOPES has an invalid scope (${JSON.stringify(bad)}). Separate scopes with spaces, e.g. "AccessAll" or "AccessAll ReadOnly".`,
    );
  }
  return [...new Set(scopes)];
}
