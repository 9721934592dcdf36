/**
 * The demo single-page app: signs the user in with @okta/okta-auth-js, Okta's browser SDK
 * (authorization code + PKCE), and calls the API with the user's access token. The same code
 * works against a real Okta org: /config.json says which issuer and SPA app to use.
 */
import { OktaAuth } from '@okta/okta-auth-js';

interface AppConfig {
  issuer: string;
  clientId: string;
  apiUrl: string;
  scopes: string[];
}

const $ = (id: string) => document.getElementById(id) as HTMLElement;

/** DPoP (RFC 9449): tokens bound to a key this browser keeps (non-extractable, in IndexedDB). */
const DPOP_SETTING = 'demo.dpop';

async function main(): Promise<void> {
  const config = (await (await fetch('/config.json')).json()) as AppConfig;
  const dpop = localStorage.getItem(DPOP_SETTING) === 'on';
  const auth = new OktaAuth({
    issuer: config.issuer,
    clientId: config.clientId,
    redirectUri: `${window.location.origin}/login/callback`,
    postLogoutRedirectUri: window.location.origin,
    scopes: config.scopes,
    pkce: true,
    dpop,
    // Bound and Bearer tokens are kept apart: switching modes signs in again.
    tokenManager: { storageKey: dpop ? 'okta-token-storage-dpop' : 'okta-token-storage' },
  });
  const dpopBox = $('dpop') as HTMLInputElement;
  dpopBox.checked = dpop;
  dpopBox.onchange = () => {
    localStorage.setItem(DPOP_SETTING, dpopBox.checked ? 'on' : 'off');
    window.location.reload();
  };
  if (auth.isLoginRedirect()) await auth.handleLoginRedirect();

  const idToken = await auth.tokenManager.get('idToken');
  const signedIn = Boolean(idToken);
  if (idToken && 'claims' in idToken) {
    const claims: Record<string, unknown> = idToken.claims ?? {};
    $('who').textContent = `Signed in as ${String(claims.preferred_username ?? claims.sub)}.`;
  }
  $('sign-in').hidden = signedIn;
  $('sign-out').hidden = !signedIn;
  $('sign-in').onclick = () => void auth.signInWithRedirect();
  $('sign-out').onclick = () => void auth.signOut({ clearTokensBeforeRedirect: true });

  /** Bearer, or, with a bound token, the DPoP scheme and a fresh proof for this request. */
  const authorization = async (url: string, method: string): Promise<Record<string, string>> => {
    const token = auth.getAccessToken();
    if (!token) return {};
    if (!dpop) return { Authorization: `Bearer ${token}` };
    const { Authorization, Dpop } = await auth.getDPoPAuthorizationHeaders({ url, method });
    return { Authorization, DPoP: Dpop };
  };

  for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-path]')) {
    button.onclick = async () => {
      const path = button.dataset.path as string;
      const method = button.dataset.method ?? 'GET';
      const url = `${config.apiUrl}${path}`;
      $('result').dataset.path = path;
      try {
        const post = method === 'POST';
        const response = await fetch(url, {
          method,
          headers: {
            ...(await authorization(url, method)),
            ...(post && { 'Content-Type': 'application/json' }),
          },
          ...(post && { body: JSON.stringify({ text: ($('text') as HTMLInputElement).value }) }),
        });
        $('result').dataset.status = String(response.status);
        $('result').textContent = `${path}: ${response.status}\n${await response.text()}`;
      } catch (error) {
        // The browser refused to hand over the response: CORS, or the API is down.
        $('result').dataset.status = 'blocked';
        $('result').textContent = `${path}: no response (${String(error)})`;
      }
    };
  }
}

void main();
