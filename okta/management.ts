/**
 * The Okta management client `npm run okta` uses: Okta's own SDK (@okta/okta-sdk-nodejs), given an
 * explicit configuration built from the SDK's own environment variables, so nothing else fills it:
 * every setting is passed (empty when unused), which overrides whatever the SDK's loader finds in
 * okta.yaml files or other OKTA_CLIENT_* variables. Our OKTA_CLIENT_ID / OKTA_CLIENT_SECRET (the API
 * caller `npm run token` uses) are never read here, and OKTA_CLIENT_CLIENTID is never read there.
 */
import { Client, DefaultRequestExecutor } from '@okta/okta-sdk-nodejs';
import { ConfigError } from '../settings/errors';
import { isHttpsOrLoopback } from '../settings/okta';

export interface ManagementSettings {
  orgUrl: string;
  mode: 'SSWS' | 'PrivateKey';
  token: string;
  clientId: string;
  scopes: string;
  privateKey: string;
  keyId: string;
}

/** The OAuth for Okta scopes the tool needs: read for plan and check, manage for apply. */
export const READ_SCOPES = [
  'okta.authorizationServers.read',
  'okta.apps.read',
  'okta.trustedOrigins.read',
  'okta.groups.read',
];
export const MANAGE_SCOPES = [
  'okta.authorizationServers.manage',
  'okta.apps.manage',
  'okta.trustedOrigins.manage',
  'okta.groups.read',
];

export function readManagementSettings(env: NodeJS.ProcessEnv): ManagementSettings {
  const raw = env.OKTA_CLIENT_ORGURL?.trim();
  if (!raw) {
    throw new ConfigError(
      'OKTA_CLIENT_ORGURL is not set: set it to your Okta org, e.g. https://dev-123456.okta.com (README: Set up Okta and deploy).',
    );
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(
      `OKTA_CLIENT_ORGURL is ${JSON.stringify(raw)}, which is not a URL: set it to https://<your-org>.okta.com.`,
    );
  }
  if (!isHttpsOrLoopback(url)) {
    throw new ConfigError(
      `OKTA_CLIENT_ORGURL must use https (http only on loopback), not ${url.protocol}//${url.host}.`,
    );
  }
  if (url.pathname !== '/' || url.search) {
    throw new ConfigError(
      `OKTA_CLIENT_ORGURL is the org alone, without a path: ${url.origin}, not ${JSON.stringify(raw)}.`,
    );
  }
  const mode = env.OKTA_CLIENT_AUTHORIZATIONMODE?.trim() || 'SSWS';
  const settings: ManagementSettings = {
    orgUrl: url.origin,
    mode: 'SSWS',
    token: '',
    clientId: '',
    scopes: '',
    privateKey: '',
    keyId: '',
  };
  if (mode === 'PrivateKey') {
    const missing = ['OKTA_CLIENT_CLIENTID', 'OKTA_CLIENT_SCOPES', 'OKTA_CLIENT_PRIVATEKEY'].filter(
      (name) => !env[name]?.trim(),
    );
    if (missing.length) {
      throw new ConfigError(
        `OKTA_CLIENT_AUTHORIZATIONMODE=PrivateKey needs ${missing.join(', ')}: your OAuth for Okta service app's client ID, its granted scopes (${MANAGE_SCOPES.join(' ')}) and its private key (a JWK or PEM).`,
      );
    }
    return {
      ...settings,
      mode: 'PrivateKey',
      clientId: String(env.OKTA_CLIENT_CLIENTID).trim(),
      scopes: String(env.OKTA_CLIENT_SCOPES).trim(),
      privateKey: String(env.OKTA_CLIENT_PRIVATEKEY).trim(),
      keyId: env.OKTA_CLIENT_KEYID?.trim() ?? '',
    };
  }
  if (mode !== 'SSWS') {
    throw new ConfigError(
      `OKTA_CLIENT_AUTHORIZATIONMODE is ${JSON.stringify(mode)}: use PrivateKey (OAuth for Okta) or SSWS (an API token).`,
    );
  }
  const token = env.OKTA_CLIENT_TOKEN?.trim();
  if (!token) {
    const confusion = env.OKTA_CLIENT_ID
      ? ' (OKTA_CLIENT_ID and OKTA_CLIENT_SECRET are the API caller npm run token uses, not management credentials)'
      : '';
    throw new ConfigError(
      `No Okta management credentials${confusion}: set OKTA_CLIENT_AUTHORIZATIONMODE=PrivateKey with OKTA_CLIENT_CLIENTID, OKTA_CLIENT_SCOPES and OKTA_CLIENT_PRIVATEKEY (preferred), or OKTA_CLIENT_TOKEN (an API token).`,
    );
  }
  return { ...settings, token };
}

/** One line for the terminal: which credentials, never their value. */
export function describeCredentials(settings: ManagementSettings): string {
  return settings.mode === 'PrivateKey'
    ? `OAuth for Okta (client ${settings.clientId}, scopes ${settings.scopes})`
    : "an API token (SSWS): it acts with all of its admin's permissions; prefer OAuth for Okta (SECURITY.md)";
}

/**
 * Okta's SDK with this configuration and nothing else; no response cache (a list read after a
 * write must see it); 429s retried after X-Rate-Limit-Reset, at most `maxRetries` times per request.
 */
export function managementClient(settings: ManagementSettings, maxRetries = 4): Client {
  return new Client({
    orgUrl: settings.orgUrl,
    authorizationMode: settings.mode,
    token: settings.token,
    clientId: settings.clientId,
    scopes: settings.scopes ? settings.scopes.split(/\s+/) : [],
    privateKey: settings.privateKey,
    keyId: settings.keyId,
    cacheMiddleware: null,
    requestExecutor: new DefaultRequestExecutor({ maxRetries, requestTimeout: 120_000 }),
  } as ConstructorParameters<typeof Client>[0]);
}
