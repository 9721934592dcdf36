/**
 * Where oidc-provider and an Okta custom authorization server answer differently, the local issuer
 * answers as Okta does: client_secret_post, Okta's token errors, Okta-shaped discovery documents.
 */
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { KoaContextWithOIDC } from 'oidc-provider';

export interface OktaError {
  status: number;
  error: string;
  error_description: string;
}

/**
 * Okta takes the client secret in the Authorization header or in the form (client_secret_post),
 * never both; oidc-provider takes one method per client. A form secret is moved to the header
 * before oidc-provider reads the request, which then reads the (changed) body as a stream.
 */
export async function acceptClientSecretPost(req: IncomingMessage): Promise<OktaError | undefined> {
  if (
    req.method !== 'POST' ||
    !String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded')
  ) {
    return undefined;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const form = new URLSearchParams(Buffer.concat(chunks).toString());
  // Okta's SDKs name a public client in Basic auth with no secret ("Basic base64(clientId)").
  const basic = /^Basic (\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const decoded = basic ? Buffer.from(basic, 'base64').toString() : undefined;
  if (decoded !== undefined && !decoded.includes(':')) {
    delete req.headers.authorization;
    form.set('client_id', decoded);
  }
  const secret = form.get('client_secret');
  if (secret !== null) {
    if (req.headers.authorization || form.has('client_assertion')) {
      return {
        status: 401,
        error: 'invalid_request',
        error_description:
          'Cannot supply multiple client credentials. Use one of the following: credentials in the Authorization header, credentials in the post body, or a client_assertion in the post body.',
      };
    }
    const id = form.get('client_id') ?? '';
    form.delete('client_secret');
    form.delete('client_id');
    // RFC 6749 section 2.3.1: each part form-encoded, then Basic.
    const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
    req.headers.authorization = `Basic ${Buffer.from(`${encode(id)}:${encode(secret)}`).toString('base64')}`;
  }
  const body = Buffer.from(form.toString());
  req.headers['content-length'] = String(body.length);
  const replay = Readable.from([body]);
  // What oidc-provider reads a body through (lib/shared/selective_body.js).
  Object.defineProperty(req, 'readable', { value: true, configurable: true });
  req.iterator = replay.iterator.bind(replay);
  return undefined;
}

const GRANT_TYPES_OKTA_KNOWS = new Set([
  'authorization_code',
  'refresh_token',
  'password',
  'implicit',
  'client_credentials',
  'urn:ietf:params:oauth:grant-type:device_code',
  'urn:ietf:params:oauth:grant-type:token-exchange',
  'urn:ietf:params:oauth:grant-type:saml2-bearer',
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
  'urn:okta:params:oauth:grant-type:otp',
  'urn:okta:params:oauth:grant-type:oob',
]);

/** oidc-provider's token endpoint errors, as Okta words them (status, error, description). */
export function oktaTokenError(ctx: KoaContextWithOIDC): void {
  const body = ctx.body as { error?: string; error_description?: string } | undefined;
  if (!body?.error) return;
  const params = (ctx.oidc?.params ?? {}) as Record<string, unknown>;
  const grantType = String(params.grant_type ?? '');
  const client = ctx.oidc?.client;
  const answer = (status: number, error: string, description: string) => {
    ctx.status = status;
    ctx.body = { error, error_description: description };
  };
  const noCredentials =
    !ctx.headers.authorization && !params.client_assertion && !params.client_secret;
  switch (body.error) {
    case 'use_dpop_nonce':
      // The DPoP-Nonce header stays: the client signs its next proof with it.
      return answer(400, 'use_dpop_nonce', 'Authorization server requires nonce in DPoP proof.');
    case 'invalid_dpop_proof':
      return answer(400, 'invalid_dpop_proof', 'The DPoP proof JWT is invalid.');
    case 'invalid_scope':
      // oidc-provider adds the requested `scope`; Okta's answer has only the two fields.
      return answer(400, 'invalid_scope', body.error_description ?? '');
    case 'invalid_request':
      if (noCredentials && /client authentication/.test(body.error_description ?? '')) {
        return answer(401, 'invalid_client', 'No client credentials found.');
      }
      return;
    case 'invalid_client':
      if (noCredentials) return answer(401, 'invalid_client', 'No client credentials found.');
      if (client) {
        return answer(
          401,
          'invalid_client',
          'The client secret supplied for a confidential client is invalid.',
        );
      }
      return answer(
        401,
        'invalid_client',
        'Client authentication failed. Either the client or the client credentials are invalid.',
      );
    case 'invalid_grant':
      // A client that requires DPoP, asked without a proof.
      if (/DPoP proof JWT not provided/.test(String(ctx.state.errorDetail ?? ''))) {
        return answer(400, 'invalid_dpop_proof', 'The DPoP proof JWT header is missing.');
      }
      if (/PKCE|code_verifier/.test(String(ctx.state.errorDetail ?? body.error_description))) {
        return answer(400, 'invalid_grant', 'PKCE verification failed.');
      }
      if (grantType === 'authorization_code') {
        return answer(400, 'invalid_grant', 'The authorization code is invalid or has expired.');
      }
      return;
    case 'unsupported_grant_type':
    case 'unauthorized_client':
      if (client && GRANT_TYPES_OKTA_KNOWS.has(grantType)) {
        return answer(
          400,
          'unauthorized_client',
          `The client is not authorized to use the provided grant type. Configured grant types: [${client.grantTypes?.join(', ')}].`,
        );
      }
      return answer(
        400,
        'unsupported_grant_type',
        `The authorization grant type is not supported by the authorization server. Configured grant types: [${client?.grantTypes?.join(', ') ?? ''}].`,
      );
  }
}

export interface DiscoveryOptions {
  issuer: string;
  scopes: string[];
  /** The OAuth 2.0 document lists client_credentials; Okta's OpenID Connect one does not. */
  kind: 'oauth' | 'openid';
}

/** A discovery document that advertises only what the local issuer does, in Okta's shape. */
export function oktaDiscovery({ issuer, scopes, kind }: DiscoveryOptions): Record<string, unknown> {
  return {
    issuer,
    authorization_endpoint: `${issuer}/v1/authorize`,
    token_endpoint: `${issuer}/v1/token`,
    userinfo_endpoint: `${issuer}/v1/userinfo`,
    jwks_uri: `${issuer}/v1/keys`,
    end_session_endpoint: `${issuer}/v1/logout`,
    revocation_endpoint: `${issuer}/v1/revoke`,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: [
      'authorization_code',
      'refresh_token',
      ...(kind === 'oauth' ? ['client_credentials'] : []),
    ],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: [...scopes, 'openid', 'profile', 'email', 'offline_access'],
    token_endpoint_auth_methods_supported: [
      'client_secret_basic',
      'client_secret_post',
      'private_key_jwt',
      'none',
    ],
    token_endpoint_auth_signing_alg_values_supported: ['RS256'],
    claims_supported: ['sub', 'name', 'preferred_username', 'email', 'email_verified'],
    code_challenge_methods_supported: ['S256'],
  };
}

/** Okta's error page, for authorization errors it cannot send back to the app (a bad redirect_uri). */
export function oktaErrorPage(error: string, description: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>400 Bad Request</title></head>
<body><h1>400 Bad Request</h1><p id="error-code">${escapeHtml(error)}</p><p id="error-description">${escapeHtml(description)}</p></body></html>`;
}

/** oidc-provider's authorization errors as Okta words them. */
export function oktaAuthorizationError(error: string, description: string): [string, string] {
  if (error === 'invalid_redirect_uri') {
    return [
      'invalid_request',
      "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings.",
    ];
  }
  if (/requires PKCE/.test(description)) {
    return [
      'invalid_request',
      "PKCE code challenge is required when the token endpoint authentication method is 'NONE'.",
    ];
  }
  if (/code_challenge_method/.test(description)) {
    return ['invalid_request', "'code_challenge_method' is invalid. Must be 'S256'."];
  }
  return [error, description];
}

/** Text safe inside HTML, for the issuer's pages. */
export const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
