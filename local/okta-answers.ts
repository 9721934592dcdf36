/**
 * Where oidc-provider and an Okta custom authorization server answer differently, the local issuer
 * answers as Okta does: client_secret_post, Okta's token errors, Okta-shaped discovery documents.
 */
import type { IncomingMessage } from 'node:http';
import type { KoaContextWithOIDC } from 'oidc-provider';

export interface OktaError {
  status: number;
  error: string;
  error_description: string;
}

/**
 * Okta takes the client secret in the Authorization header or in the form (client_secret_post);
 * oidc-provider takes one method per client. A form secret is moved to the header before
 * oidc-provider reads the request (it uses the parsed `req.body` once the stream is read).
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
  const body = form.toString();
  req.headers['content-length'] = String(Buffer.byteLength(body));
  Object.assign(req, { body });
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
    token_endpoint: `${issuer}/v1/token`,
    jwks_uri: `${issuer}/v1/keys`,
    response_types_supported: [],
    grant_types_supported: kind === 'oauth' ? ['client_credentials'] : [],
    ...(kind === 'openid' && {
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    }),
    scopes_supported: scopes,
    token_endpoint_auth_methods_supported: [
      'client_secret_basic',
      'client_secret_post',
      'private_key_jwt',
    ],
    token_endpoint_auth_signing_alg_values_supported: ['RS256'],
  };
}
