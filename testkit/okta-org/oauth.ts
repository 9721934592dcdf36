/**
 * OAuth for Okta: a service app's private_key_jwt client assertion at /oauth2/v1/token buys a
 * Bearer token limited to its granted okta.* scopes; each endpoint needs its own (403 beyond them).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { importJWK, type JWK, jwtVerify } from 'jose';
import { send } from './http';

/** An OAuth for Okta service app: its public key and the okta.* scopes granted to it. */
export interface ManagementClient {
  clientId: string;
  publicJwk: JWK;
  scopes: string[];
}

export interface OAuthForOkta {
  orgUrl: string;
  clients: ManagementClient[];
  /** Access tokens issued, with their scopes. */
  accessTokens: Map<string, string[]>;
}

/** The scope the endpoint needs when `granted` lacks it (`.manage` covers `.read`); else undefined. */
export function missingScope(granted: string[], method: string, path: string): string | undefined {
  const needed = scopeFor(method, path);
  const covered =
    granted.includes(needed) ||
    (needed.endsWith('.read') && granted.includes(needed.replace(/\.read$/, '.manage')));
  return covered ? undefined : needed;
}

/** OAuth for Okta: client credentials with a private_key_jwt assertion, as the SDK sends it. */
export async function tokenEndpoint(
  req: IncomingMessage,
  res: ServerResponse,
  { orgUrl, clients, accessTokens }: OAuthForOkta,
): Promise<void> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  const form = new URLSearchParams(text);
  const refuse = (error: string, description: string) =>
    send(res, 401, { error, error_description: description });
  const assertion = form.get('client_assertion') ?? '';
  let clientId: string;
  try {
    clientId = String(
      JSON.parse(Buffer.from(assertion.split('.')[1] ?? '', 'base64url').toString()).iss,
    );
  } catch {
    return refuse('invalid_client', 'The client_assertion token is invalid.');
  }
  const client = clients.find((c) => c.clientId === clientId);
  if (
    !client ||
    form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
  )
    return refuse('invalid_client', 'The client_assertion token is invalid.');
  try {
    await jwtVerify(assertion, await importJWK(client.publicJwk, 'RS256'), {
      issuer: clientId,
      subject: clientId,
      audience: `${orgUrl}/oauth2/v1/token`,
      algorithms: ['RS256'],
    });
  } catch (error) {
    return refuse(
      'invalid_client',
      `The client_assertion token is invalid: ${(error as Error).message}`,
    );
  }
  const asked = (form.get('scope') ?? '').split(' ').filter(Boolean);
  const denied = asked.filter((scope) => !client.scopes.includes(scope));
  if (asked.length === 0 || denied.length) {
    send(res, 400, {
      error: 'invalid_scope',
      error_description: `The following scopes are not granted to this client: ${denied.join(' ') || '(none asked)'}`,
    });
    return;
  }
  const accessToken = randomBytes(32).toString('base64url');
  accessTokens.set(accessToken, asked);
  send(res, 200, {
    token_type: 'Bearer',
    expires_in: 3600,
    access_token: accessToken,
    scope: asked.join(' '),
  });
}

/** The OAuth for Okta scope an endpoint needs (Okta's management API reference). */
function scopeFor(method: string, path: string): string {
  const resource = path.split('/')[3];
  const family =
    resource === 'authorizationServers'
      ? 'okta.authorizationServers'
      : resource === 'apps'
        ? 'okta.apps'
        : resource === 'trustedOrigins'
          ? 'okta.trustedOrigins'
          : 'okta.groups';
  return `${family}.${method === 'GET' ? 'read' : 'manage'}`;
}
