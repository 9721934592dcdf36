/**
 * OKTA_ISSUER and OKTA_AUDIENCE: the custom authorization servers whose tokens are accepted. The
 * authorizer reads them at its cold start; `serverless package`, `npm start`, the token command and
 * the Okta tool check them with these same functions.
 */
import { ConfigError } from './errors';

/** A custom authorization server whose tokens are accepted, and the audience they must carry. */
export interface TrustedIssuer {
  /** The issuer, without a trailing slash. */
  issuer: string;
  /** Okta publishes keys at `${issuer}/v1/keys`, not at `/.well-known/jwks.json`. */
  jwksUri: string;
  audience: string;
}

const DEFAULT_AUDIENCE = 'api://default';
const EXAMPLE_ISSUER = 'https://dev-123456.okta.com/oauth2/default';

export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** https, or plain http on a loopback host (the local issuer, the Okta stand-in, the demo app). */
export function isHttpsOrLoopback(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
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
  if (!isHttpsOrLoopback(url)) {
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
