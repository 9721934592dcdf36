/** The stand-in's OAuth 2.0 apps: a client_secret only in the answer that created it. */
import { randomBytes } from 'node:crypto';
import { type App, clone, invalid, type Json, now, oktaId, type Org } from './model';

export function showApp(app: App): Json {
  const shown = clone(app);
  delete shown.credentials.oauthClient.client_secret;
  return shown;
}

export function validateApp(body: Json): void {
  const causes: string[] = [];
  if (typeof body.label !== 'string' || !body.label)
    causes.push('label: The field cannot be left blank');
  if (body.signOnMode !== 'OPENID_CONNECT')
    causes.push('signOnMode: Only OPENID_CONNECT apps are supported here');
  const client = (body.settings as { oauthClient?: Json } | undefined)?.oauthClient;
  const method = (body.credentials as { oauthClient?: Json } | undefined)?.oauthClient
    ?.token_endpoint_auth_method;
  if (!client || !Array.isArray(client.grant_types) || client.grant_types.length === 0)
    causes.push('settings.oauthClient.grant_types: At least one grant type is required');
  if (
    method === 'private_key_jwt' &&
    !(client?.jwks as { keys?: unknown[] } | undefined)?.keys?.length
  )
    causes.push('settings.oauthClient.jwks: A public key is required for private_key_jwt');
  const keys = (client?.jwks as { keys?: Json[] } | undefined)?.keys ?? [];
  if (keys.some((key) => 'd' in key || 'p' in key))
    causes.push('settings.oauthClient.jwks: Only public keys are accepted');
  if (causes.length) throw invalid(...causes);
}

export function createApp(org: Org, body: Json): App {
  validateApp(body);
  const credentials = clone((body.credentials ?? {}) as App['credentials']);
  credentials.oauthClient = { ...credentials.oauthClient, client_id: oktaId('0oa') };
  const method = credentials.oauthClient.token_endpoint_auth_method;
  if (method === 'client_secret_basic' || method === 'client_secret_post')
    credentials.oauthClient.client_secret = randomBytes(30).toString('base64url');
  const app: App = {
    ...clone(body),
    id: String(credentials.oauthClient.client_id),
    name: 'oidc_client',
    status: 'ACTIVE',
    created: now(),
    lastUpdated: now(),
    label: String(body.label),
    credentials,
    settings: clone(body.settings) as App['settings'],
  };
  org.state.apps.push(app);
  return app;
}

export function updateApp(org: Org, app: App, body: Json): App {
  validateApp(body);
  const secret = app.credentials.oauthClient.client_secret;
  const credentials = clone((body.credentials ?? {}) as App['credentials']);
  credentials.oauthClient = {
    ...credentials.oauthClient,
    client_id: app.credentials.oauthClient.client_id,
  };
  if (secret) credentials.oauthClient.client_secret = secret;
  Object.assign(app, { ...clone(body), id: app.id, credentials, lastUpdated: now() });
  return app;
}
