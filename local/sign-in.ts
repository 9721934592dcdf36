/**
 * The local issuer's sign-in page: where Okta's hosted sign-in would ask a user for their name and
 * password during the authorization code flow. Development only; the dev users are in dev-users.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { DevUsers } from './dev-users';
import { escapeHtml } from './okta-answers';

function page(action: string, login: string, error?: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in (local issuer)</title>
<style>body{font-family:sans-serif;max-width:22rem;margin:4rem auto}label,input,button{display:block;width:100%;margin:.4rem 0}
.error{color:#b00020}</style></head>
<body><h1>Sign in</h1><p>Local Okta stand-in: the dev users and their password are printed by <code>npm start</code>.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${escapeHtml(action)}">
<label>Username <input name="username" autocomplete="username" value="${escapeHtml(login)}" autofocus></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Sign in</button></form></body></html>`;
}

/** GET shows the form; POST checks the password and hands the user back to the authorization. */
export async function signIn(
  provider: Provider,
  users: DevUsers,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  await provider.interactionDetails(req, res);
  const action = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '';
  if (req.method !== 'POST') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(action, ''));
    return;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const form = new URLSearchParams(Buffer.concat(chunks).toString());
  const login = form.get('username') ?? '';
  const user = users.authenticate(login, form.get('password') ?? '');
  if (!user) {
    // Okta's sign-in says as little: no hint whether the name or the password was wrong.
    res
      .writeHead(401, { 'content-type': 'text/html; charset=utf-8' })
      .end(page(action, login, 'Unable to sign in'));
    return;
  }
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId: user.login } },
    { mergeWithLastSubmission: false },
  );
}
