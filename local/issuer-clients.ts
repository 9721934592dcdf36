/**
 * The local issuer's clients, as oidc-provider takes them: the dev client (client_secret_basic,
 * DPoP on request), its private_key_jwt and DPoP-required twins, the clients routes.ts declares
 * (their scopes only), and the demo app's public SPA client (authorization code with PKCE).
 */
import type { ClientMetadata } from 'oidc-provider';

export interface IssuerClients {
  clientId: string;
  clientSecret: string;
  jwtClientId: string;
  dpopClientId: string;
  /** The private_key_jwt client's public key. */
  clientPublicKey: JsonWebKey;
  declaredClients: { id: string; secret: string; scopes: string[]; dpop: boolean }[];
  spaClient: { id: string; redirectUris: string[] };
}

export function clientMetadata({
  clientId,
  clientSecret,
  jwtClientId,
  dpopClientId,
  clientPublicKey,
  declaredClients,
  spaClient,
}: IssuerClients): ClientMetadata[] {
  return [
    {
      client_id: clientId,
      client_secret: clientSecret,
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
    },
    {
      client_id: jwtClientId,
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'RS256',
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      jwks: { keys: [clientPublicKey as never] },
    },
    {
      client_id: dpopClientId,
      client_secret: clientSecret,
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      dpop_bound_access_tokens: true,
    },
    ...declaredClients.map((c): ClientMetadata => ({
      client_id: c.id,
      client_secret: c.secret,
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      ...(c.dpop && { dpop_bound_access_tokens: true }),
    })),
    {
      client_id: spaClient.id,
      token_endpoint_auth_method: 'none',
      application_type: 'web',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: spaClient.redirectUris,
      post_logout_redirect_uris: spaClient.redirectUris.map((uri) => new URL(uri).origin),
    },
  ];
}
