/**
 * Each route's access as OpenAPI security: a list of alternatives, each requiring everything it
 * names. `okta` is the authorization server (OAuth 2.0 scopes); `dpop` is RFC 9449's DPoP
 * authentication scheme: the token sent as `Authorization: DPoP <token>` with a proof of its key.
 */
import type { Route } from '../route-table/compile';
import type { Callers } from '../route-table/callers';
import { describeRequirement } from '../route-table/access';

export const OAUTH = 'okta';
export const DPOP = 'dpop';

export type SecurityRequirement = Record<string, string[]>;

/**
 * anonymous: none; authenticated: any token; allOf: one alternative with every scope; anyOf: one
 * alternative per scope. DPoP 'required' adds the proof to every alternative; 'allowed' offers
 * each alternative with and without it.
 */
export function securityOf(route: Route): SecurityRequirement[] {
  const { access } = route;
  if (access === 'anonymous') return [];
  const scopeSets =
    access.kind === 'authenticated'
      ? [[]]
      : access.kind === 'allOf'
        ? [[...access.scopes]]
        : access.scopes.map((scope) => [scope]);
  const bearer = scopeSets.map((scopes): SecurityRequirement => ({ [OAUTH]: scopes }));
  const bound = scopeSets.map((scopes): SecurityRequirement => ({ [OAUTH]: scopes, [DPOP]: [] }));
  switch (route.dpop) {
    case 'off':
      return bearer;
    case 'required':
      return bound;
    case 'allowed':
      return [...bearer, ...bound];
  }
}

export interface IssuerEndpoints {
  issuer: string;
  /** Other trusted issuers (OKTA_ISSUER lists several): their tokens pass as well. */
  others: string[];
}

/** Each scope, with the routes it opens and who may get it (routes.ts callers). */
export function scopeDescriptions(routes: Route[], callers: Callers): Record<string, string> {
  const described: Record<string, string> = {};
  for (const scope of callers.scopes) {
    const opens = routes.flatMap(({ key, access }) =>
      access !== 'anonymous' && access.kind !== 'authenticated' && access.scopes.includes(scope)
        ? [`${key} (${describeRequirement(access)})`]
        : [],
    );
    const grantedTo = [
      ...callers.clients.filter((c) => c.scopes.includes(scope)).map((c) => c.name),
      ...(callers.browserApp?.people ?? [])
        .filter((p) => p.scopes.includes(scope))
        .map((p) => `the browser app's ${p.group}`),
    ];
    described[scope] =
      `Opens ${opens.join('; ')}.` +
      (grantedTo.length ? ` Granted to ${grantedTo.join(', ')}.` : '');
  }
  return described;
}

/** components.securitySchemes: the authorization server's two flows, and DPoP. */
export function securitySchemes(
  { issuer, others }: IssuerEndpoints,
  scopes: Record<string, string>,
): Record<string, unknown> {
  const alsoTrusted = others.length
    ? ` Tokens of ${others.join(', ')} are accepted too, with the same scopes.`
    : '';
  return {
    [OAUTH]: {
      type: 'oauth2',
      description:
        `Access tokens of the Okta authorization server ${issuer}, sent as \`Authorization: Bearer <token>\` ` +
        `(or as DPoP, below, where a route asks). Services use the client-credentials flow; browser ` +
        `apps the authorization-code flow with PKCE (S256), as Okta requires of SPA apps.${alsoTrusted}`,
      flows: {
        clientCredentials: { tokenUrl: `${issuer}/v1/token`, scopes },
        authorizationCode: {
          authorizationUrl: `${issuer}/v1/authorize`,
          tokenUrl: `${issuer}/v1/token`,
          scopes,
        },
      },
    },
    [DPOP]: {
      type: 'http',
      scheme: 'DPoP',
      description:
        "RFC 9449: an access token bound to the client's key (requested with a DPoP proof), sent as " +
        '`Authorization: DPoP <token>` with a `DPoP` header holding a fresh proof (ES256 or RS256) ' +
        "for this method and URL, its `ath` the token's hash. Each proof is accepted once.",
    },
  };
}
