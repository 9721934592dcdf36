/** What `npm start` prints once the stack is up: the route table, the issuer, and commands to copy. */
import { describeRequirement, satisfies } from '../route-table/access';
import type { Route, RouteTable } from '../route-table/compile';
import type { Segment } from '../route-table/patterns';
import type { LocalIssuer } from './issuer';
import { DEFAULT_PORTS } from './ports';

/** The token command's default scope: the guide's. */
export const DEFAULT_TOKEN_SCOPE = 'AccessAll';

export interface BannerOptions {
  apiUrl: string;
  table: RouteTable;
  issuer?: LocalIssuer;
  oktaIssuer?: string;
  audience?: string;
  /** Whether OKTA_CLIENT_ID is set (for `npm run token` against a real org). */
  hasOktaClient: boolean;
  /** The local private_key_jwt client's key file. */
  keyFile?: string;
  /** The demo app, when it runs. */
  spaUrl?: string;
}

export function banner(options: BannerOptions): string {
  const { apiUrl, table, issuer } = options;
  // Beside another stack, `npm run token` finds this one by its port.
  const apiPort = new URL(apiUrl).port;
  const token = `${issuer && apiPort !== String(DEFAULT_PORTS.API_PORT) ? `API_PORT=${apiPort} ` : ''}npm run -s token`;
  const width = Math.max(...table.routes.map((route) => route.key.length + apiUrl.length));
  const lines = [
    '',
    issuer
      ? 'Okta-protected API running locally, with a local Okta-compatible issuer (no Okta org needed).'
      : 'Okta-protected API running locally, against your Okta authorization server.',
    '',
    '  Routes (routes.ts)',
    ...table.routes.map((route) => {
      const [method, path] = route.key.split(' ') as [string, string];
      const access =
        route.access === 'anonymous'
          ? 'anonymous: no token needed'
          : `${describeRequirement(route.access)}${route.dpop === 'off' ? '' : `, DPoP ${route.dpop}`}`;
      return `    ${method} ${`${apiUrl}${path}`.padEnd(width - method.length)}  ${access}`;
    }),
    '',
    `  Issuer      ${issuer?.issuer ?? options.oktaIssuer}`,
    `  Audience    ${issuer?.audience ?? options.audience ?? 'api://default'}`,
  ];
  lines.push(
    ...(options.spaUrl
      ? [
          `  Demo app    ${options.spaUrl} (sign in, then call the API from the browser)`,
          `  API docs    ${options.spaUrl}/docs (OpenAPI: npm run -s openapi prints it)`,
        ]
      : ['  Demo app    set OKTA_SPA_CLIENT_ID (your Okta SPA app integration) to serve it.']),
  );
  if (issuer) {
    lines.push(
      `  Client ID   ${issuer.client.id}`,
      `  Secret      ${issuer.client.secret}`,
      `  JWT client  ${issuer.jwtClient.id}: ${token} -- --private-key ${options.keyFile}`,
      ...(issuer.declaredClients?.length
        ? [
            `  Callers     ${issuer.declaredClients.map((c) => `${c.id} (${c.scopes.join(', ')}${c.dpop ? ', DPoP' : ''})`).join(', ')}`,
            `              as routes.ts declares them, with the secret above: ${token} -- --client-id ${issuer.declaredClients[0]?.id} --scope ${issuer.declaredClients[0]?.scopes[0]}`,
          ]
        : []),
      `  Dev users   ${issuer.users.users.map((u) => u.login).join(', ')}, password ${issuer.users.password}`,
      `              (alice may get every scope, bob ReadOnly): ${token} -- --user alice`,
      `  Scopes      ${issuer.scopes.join(', ')}`,
    );
  } else if (!options.hasOktaClient) {
    lines.push(
      '  For `npm run token`, set OKTA_CLIENT_ID and OKTA_CLIENT_SECRET (your API Services app) in .env.',
    );
  }
  lines.push('', 'Try it (in another terminal, in this folder):', ...tryIt(apiUrl, table, token));
  if (issuer) {
    lines.push(
      '',
      'Or ask the issuer directly, as the Okta guide does in Postman:',
      `  curl -s -u ${issuer.client.id}:${issuer.client.secret} -H "Cache-Control: no-cache" \\`,
      `    -d grant_type=client_credentials -d scope=${DEFAULT_TOKEN_SCOPE} ${issuer.issuer}/v1/token`,
    );
  }
  lines.push('', 'Press Ctrl+C to stop.', '');
  return lines.join('\n');
}

/**
 * Copy-paste lines: each anonymous route, each protected route with the default token and with
 * none, then a token per other scope the table names, on every protected route, with the status
 * the table gives it.
 */
function tryIt(apiUrl: string, table: RouteTable, token: string): string[] {
  const lines: string[] = [];
  const curl = (route: Route, auth: string, comment: string) => {
    const [method, path] = route.key.split(' ') as [string, string];
    const command = `  curl -i ${method === 'GET' ? '' : `-X ${method} `}${apiUrl}${examplePath(path, route.segments)}${auth}`;
    lines.push(`${command.padEnd(76)} # ${comment}`);
  };
  for (const route of table.routes) {
    if (route.access === 'anonymous') curl(route, '', '200: anonymous');
  }
  const tokenCommand = token;
  const tokens = [
    { name: 'TOKEN', scopes: [DEFAULT_TOKEN_SCOPE], args: '' },
    ...table.scopes
      .filter((scope) => scope !== DEFAULT_TOKEN_SCOPE)
      .map((scope) => ({
        name: scope.toUpperCase().replace(/[^A-Z0-9]+/g, '_'),
        scopes: [scope],
        args: ` -- --scope ${scope}`,
      })),
  ];
  // Routes that take DPoP only are called with a proof: the DPoP walk-through in docs/local-development.md.
  const bearerRoutes = table.protectedRoutes.filter((route) => route.dpop !== 'required');
  for (const [index, token] of tokens.entries()) {
    lines.push(`  ${token.name}=$(${tokenCommand}${token.args})`);
    for (const route of bearerRoutes) {
      const status = satisfies(route.requirement, token.scopes) ? '200' : '403';
      curl(
        { ...route, access: route.requirement, dpop: 'off' },
        ` -H "Authorization: Bearer $${token.name}"`,
        `${status}: ${token.scopes.join(' ')} token`,
      );
    }
    if (index === 0 && bearerRoutes[0]) {
      const route = bearerRoutes[0];
      curl({ ...route, access: route.requirement, dpop: 'off' }, '', '401: no token');
    }
  }
  const dpopOnly = table.protectedRoutes.filter((route) => route.dpop === 'required');
  if (dpopOnly.length > 0) {
    lines.push(
      `  # ${dpopOnly.map((route) => route.key).join(', ')}: DPoP-bound tokens only (docs/local-development.md, "DPoP").`,
    );
  }
  return lines;
}

/** /api/messages/{id} -> /api/messages/1, so the line can be pasted as it is. */
function examplePath(path: string, segments: Segment[]): string {
  if (segments.every((s) => s.kind === 'literal')) return path;
  return `/${segments.map((s) => (s.kind === 'literal' ? s.value : s.kind === 'param' ? '1' : 'a/b')).join('/')}`;
}
