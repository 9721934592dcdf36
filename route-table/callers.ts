/**
 * Who calls the API, declared beside the routes (routes.ts `callers`): the service clients and the
 * scopes each may get, and the browser app with the scopes each group of its users may get.
 * `npm run okta` makes a real Okta org match it; the local issuer (local/issuer.ts) serves the same
 * clients with the same scopes. Pure: no Okta SDK here.
 */
import { compileRouteTable, type RouteTableInput } from './compile';
import { isHttpsOrLoopback } from '../settings/okta';

export interface ServiceClientInput {
  /** The scopes this client may get, and no others. */
  scopes: readonly string[];
  /** Okta's "Require DPoP header in token requests": its tokens are bound to its key (RFC 9449). */
  dpop?: boolean;
}

export interface BrowserAppInput {
  /** Sign-in redirect URIs (Okta: the app's sign-in redirect URIs). */
  redirectUris: readonly string[];
  /** Okta group name → the scopes its members may get; in priority order (first match wins). */
  people: Readonly<Record<string, readonly string[]>>;
}

export interface CallersInput {
  /** Service clients (client credentials, private_key_jwt), by name: in priority order. */
  clients: Readonly<Record<string, ServiceClientInput>>;
  browserApp?: BrowserAppInput;
}

export interface ServiceClient {
  name: string;
  scopes: string[];
  dpop: boolean;
}

export interface Callers {
  clients: ServiceClient[];
  browserApp?: { redirectUris: string[]; people: { group: string; scopes: string[] }[] };
  /** Every scope the route table names: the authorization server's scopes. */
  scopes: string[];
}

export class CallersError extends Error {
  override name = 'CallersError';
}

const NAME = /^[a-z][a-z0-9-]{0,39}$/;

/** Checks the declaration against the route table: every scope a caller gets is one a route uses. */
export function compileCallers(input: CallersInput, routes: RouteTableInput): Callers {
  const scopes = compileRouteTable(routes).scopes;
  const known = (where: string, list: readonly string[]) => {
    if (list.length === 0) throw new CallersError(`${where} gets no scope: give it at least one.`);
    for (const scope of list) {
      if (!scopes.includes(scope)) {
        throw new CallersError(
          `${where} gets ${JSON.stringify(scope)}, which no route in routes.ts uses (its scopes: ${scopes.join(', ')}).`,
        );
      }
    }
    return [...new Set(list)];
  };
  const clients = Object.entries(input.clients).map(([name, client]) => {
    if (!NAME.test(name)) {
      throw new CallersError(
        `callers.clients has ${JSON.stringify(name)}: a client name is lower case letters, digits and dashes (at most 40), starting with a letter.`,
      );
    }
    return { name, scopes: known(`callers.clients.${name}`, client.scopes), dpop: !!client.dpop };
  });
  const app = input.browserApp;
  let browserApp: Callers['browserApp'];
  if (app) {
    if (app.redirectUris.length === 0) {
      throw new CallersError(
        'callers.browserApp.redirectUris is empty: list its sign-in redirect URIs.',
      );
    }
    for (const uri of app.redirectUris) {
      let url: URL;
      try {
        url = new URL(uri);
      } catch {
        throw new CallersError(
          `callers.browserApp.redirectUris has ${JSON.stringify(uri)}, which is not a URL.`,
        );
      }
      if (!isHttpsOrLoopback(url)) {
        throw new CallersError(
          `callers.browserApp.redirectUris has ${JSON.stringify(uri)}: use https (http only for localhost).`,
        );
      }
    }
    browserApp = {
      redirectUris: [...app.redirectUris],
      people: Object.entries(app.people).map(([group, list]) => ({
        group,
        scopes: known(`callers.browserApp.people[${JSON.stringify(group)}]`, list),
      })),
    };
  }
  return { clients, browserApp, scopes };
}

/** The browser app's origins (for Trusted Origins), from its redirect URIs. */
export function browserOrigins(callers: Callers): string[] {
  return [...new Set((callers.browserApp?.redirectUris ?? []).map((uri) => new URL(uri).origin))];
}
