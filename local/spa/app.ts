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

async function main(): Promise<void> {
  const config = (await (await fetch('/config.json')).json()) as AppConfig;
  const auth = new OktaAuth({
    issuer: config.issuer,
    clientId: config.clientId,
    redirectUri: `${window.location.origin}/login/callback`,
    postLogoutRedirectUri: window.location.origin,
    scopes: config.scopes,
    pkce: true,
  });
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

  for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-path]')) {
    button.onclick = async () => {
      const path = button.dataset.path as string;
      const token = auth.getAccessToken();
      $('result').dataset.path = path;
      try {
        const response = await fetch(`${config.apiUrl}${path}`, {
          headers: token ? { Authorization: `Bearer ${token}` } : {},
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
