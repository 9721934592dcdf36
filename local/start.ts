/**
 * `npm start`: the API under serverless offline, beside a local Okta-compatible issuer
 * (or, with OKTA_ISSUER set, against that real Okta authorization server).
 */
import { DEFAULT_REQUIRED_SCOPES, loadConfig } from '../authorizer/config';
import { loadDotenv } from './env';
import { LOCAL_SCOPES, type LocalIssuer } from './issuer';
import { portFromEnv } from './ports';
import { startStack } from './stack';
import { removeStackState, writeStackState } from './stack-state';

async function main(): Promise<void> {
  loadDotenv();
  const useOkta = Boolean(process.env.OKTA_ISSUER?.trim());
  if (useOkta) loadConfig(); // fail now, with the fix in the message, rather than on the first request

  const stack = await startStack({
    apiPort: portFromEnv('API_PORT', 3000),
    issuerPort: useOkta ? undefined : portFromEnv('ISSUER_PORT', 4000),
    env: process.env,
    output: (line, stream) => process[stream].write(`${line}\n`),
  });

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    removeStackState();
    await stack.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  void stack.exited.then((code) => {
    if (!stopping) console.error(`serverless offline exited (code ${code}); stopping.`);
    void stop(code);
  });

  const { apiUrl, issuer } = stack;
  if (issuer) {
    writeStackState(issuer, apiUrl);
  }
  console.log(banner(apiUrl, issuer));
}

function banner(apiUrl: string, issuer: LocalIssuer | undefined): string {
  const scopes = process.env.OKTA_REQUIRED_SCOPES?.trim() || DEFAULT_REQUIRED_SCOPES;
  const lines = [
    '',
    issuer
      ? 'Okta-protected API running locally, with a local Okta-compatible issuer (no Okta org needed).'
      : 'Okta-protected API running locally, against your Okta authorization server.',
    '',
    `  GET ${apiUrl}/api/hello    public`,
    `  GET ${apiUrl}/api/whoami   needs an access token with scope: ${scopes}`,
    `  Issuer      ${issuer?.issuer ?? process.env.OKTA_ISSUER}`,
    `  Audience    ${issuer?.audience ?? process.env.OKTA_AUDIENCE ?? 'api://default'}`,
  ];
  if (issuer) {
    lines.push(
      `  Client ID   ${issuer.client.id}`,
      `  Secret      ${issuer.client.secret}`,
      `  Scopes      ${LOCAL_SCOPES.join(', ')} (a ReadOnly token gets 403 from whoami)`,
    );
  } else if (!process.env.OKTA_CLIENT_ID) {
    lines.push(
      '  For `npm run token`, set OKTA_CLIENT_ID and OKTA_CLIENT_SECRET (your API Services app) in .env.',
    );
  }
  lines.push(
    '',
    'Try it (in another terminal, in this folder):',
    '  TOKEN=$(npm run -s token)',
    `  curl -i ${apiUrl}/api/hello`,
    `  curl -i ${apiUrl}/api/whoami -H "Authorization: Bearer $TOKEN"`,
    `  curl -i ${apiUrl}/api/whoami                                   # 401: no token`,
  );
  if (issuer) {
    lines.push(
      `  curl -i ${apiUrl}/api/whoami -H "Authorization: Bearer $(npm run -s token -- --scope ReadOnly)"   # 403`,
      '',
      'Or ask the issuer directly, as the Okta guide does in Postman:',
      `  curl -s -u ${issuer.client.id}:${issuer.client.secret} -H "Cache-Control: no-cache" \\`,
      `    -d grant_type=client_credentials -d scope=${LOCAL_SCOPES[0]} ${issuer.issuer}/v1/token`,
    );
  }
  lines.push('', 'Press Ctrl+C to stop.', '');
  return lines.join('\n');
}

main().catch((error: unknown) => {
  const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
  console.error(
    inUse
      ? `npm start: port ${(error as { port?: number }).port} is in use. Set ISSUER_PORT or API_PORT to a free port.`
      : `npm start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
