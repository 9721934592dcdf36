/**
 * A user's sign-in without a browser: the authorization code flow with PKCE, as the demo app runs
 * it, driven through the local issuer's sign-in page (`npm run token -- --user alice`, and tests).
 */
import * as oidc from 'openid-client';

export interface UserSignIn {
  issuer: string;
  clientId: string;
  redirectUri: string;
  username: string;
  password: string;
  scope: string;
}

export class SignInError extends Error {
  override name = 'SignInError';
}

/** Follows the issuer's redirects, keeping its cookies, until one leaves for `redirectUri`. */
async function browse(start: URL, redirectUri: string, form?: () => URLSearchParams): Promise<URL> {
  const cookies = new Map<string, string>();
  let url = start;
  let body: URLSearchParams | undefined;
  for (let hops = 0; hops < 10; hops += 1) {
    const response = await fetch(url, {
      method: body ? 'POST' : 'GET',
      redirect: 'manual',
      headers: {
        cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
        ...(body && { 'content-type': 'application/x-www-form-urlencoded' }),
      },
      body,
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const at = pair.indexOf('=');
      cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    const location = response.headers.get('location');
    if (location) {
      url = new URL(location, url);
      if (url.href.startsWith(redirectUri)) return url;
      body = undefined;
      continue;
    }
    if (response.status === 200 && form && !body) {
      // The sign-in page: submit the user's name and password.
      body = form();
      continue;
    }
    if (response.status === 401)
      throw new SignInError('Unable to sign in: wrong username or password.');
    throw new SignInError(
      `The issuer answered ${response.status}: ${pageText(await response.text())}`,
    );
  }
  throw new SignInError('Too many redirects during sign-in.');
}

export interface Authorized {
  config: oidc.Configuration;
  /** Where the issuer sent the user back: the redirect URI with the code. */
  callback: URL;
  verifier: string;
  state: string;
}

/** The user signs in; the issuer sends them back to the redirect URI with a code. */
export async function authorizeUser(request: UserSignIn): Promise<Authorized> {
  const issuer = new URL(request.issuer);
  const config = await oidc.discovery(issuer, request.clientId, undefined, oidc.None(), {
    execute: issuer.protocol === 'http:' ? [oidc.allowInsecureRequests] : [],
    timeout: 10,
  });
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const authorize = oidc.buildAuthorizationUrl(config, {
    redirect_uri: request.redirectUri,
    scope: request.scope,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
  });
  const callback = await browse(
    authorize,
    request.redirectUri,
    () => new URLSearchParams({ username: request.username, password: request.password }),
  );
  return { config, callback, verifier, state };
}

/** The whole flow: sign in, then exchange the code (with its PKCE verifier) for tokens. */
export async function signInUser(request: UserSignIn): Promise<oidc.TokenEndpointResponse> {
  const { config, callback, verifier, state } = await authorizeUser(request);
  return oidc.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: verifier,
    expectedState: state,
  });
}

/** An HTML page's words, for an error message. */
function pageText(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);
}
