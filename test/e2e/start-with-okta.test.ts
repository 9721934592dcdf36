import { createServer } from 'node:net';
import { startLocalIssuerProcess } from '../../testkit/local-issuer';
import { freePort } from '../../local/ports';
import { isolatedEnv, runTsx } from '../../testkit/processes';
import { startLocalStack } from '../../testkit/local-stack';

// With OKTA_ISSUER set, `npm start` serves the API against that authorization server and starts no
// issuer of its own. A separate local issuer process plays the real Okta org here.

it('uses the configured issuer and starts none of its own', async () => {
  const okta = await startLocalIssuerProcess();
  const issuerPort = await freePort();
  const env = isolatedEnv({
    OKTA_ISSUER: okta.issuer,
    OKTA_CLIENT_ID: okta.client.id,
    OKTA_CLIENT_SECRET: okta.client.secret,
    OKTA_SPA_CLIENT_ID: 'my-spa-app',
    CALLER_CLIENT_IDS: `reporting-job=reporting-job,admin-tool=admin-tool,browser-app=my-spa-app`,
    API_PORT: String(await freePort()),
    ISSUER_PORT: String(issuerPort),
    SPA_PORT: String(await freePort()),
  });
  const stack = await startLocalStack(env);
  try {
    expect(stack.output()).toContain('against your Okta authorization server');
    expect(stack.output()).toContain(`Issuer      ${okta.issuer}`);
    expect(stack.output()).not.toContain('Secret');
    await expect(portIsFree(issuerPort)).resolves.toBe(true);

    const token = await runTsx('local/token.ts', [], env);
    expect(token.code).toBe(0);
    const response = await fetch(`http://localhost:${env.API_PORT}/api/whoami`, {
      headers: { Authorization: `Bearer ${token.stdout.trim()}` },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ issuer: okta.issuer, cid: okta.client.id });

    // The demo app, unchanged, pointed at that org and its SPA app integration.
    expect(stack.output()).toContain(`Demo app    http://localhost:${env.SPA_PORT}`);
    const config = await fetch(`http://localhost:${env.SPA_PORT}/config.json`);
    expect(await config.json()).toEqual({
      issuer: okta.issuer,
      clientId: 'my-spa-app',
      apiUrl: `http://localhost:${env.API_PORT}`,
      scopes: ['openid', 'profile', 'email', 'AccessAll', 'ReadOnly'],
    });
  } finally {
    await stack.stop();
    await okta.stop();
  }
}, 150_000);

it.each([
  ['https://dev-123456-admin.okta.com/oauth2/default', /admin domain/],
  ['https://dev-123456.okta.com', /not a custom authorization server/],
])('refuses OKTA_ISSUER=%s at start, saying how to fix it', async (issuer, message) => {
  const result = await runTsx('local/start.ts', [], isolatedEnv({ OKTA_ISSUER: issuer }));
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(message);
});

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
