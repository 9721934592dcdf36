import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { requestToken } from '../../testkit/token-request';
import { freePort } from '../../local/ports';
import { isolatedEnv, type Running, runTsx } from '../../testkit/processes';
import { startLocalStack } from '../../testkit/local-stack';
import { tamper } from '../../testkit/tokens';

// `npm start` as a user runs it, then real HTTP against what it printed.
let stack: Running;
let env: NodeJS.ProcessEnv;
let api: string;
let printed: { issuer: string; clientId: string; secret: string };

beforeAll(async () => {
  env = isolatedEnv({ API_PORT: String(await freePort()), ISSUER_PORT: String(await freePort()) });
  stack = await startLocalStack(env);
  const banner = stack.output();
  const field = (label: string) =>
    new RegExp(`^\\s+${label}\\s+(\\S+)$`, 'm').exec(banner)?.[1] as string;
  api = /GET (http:\/\/\S+)\/api\/hello/.exec(banner)?.[1] as string;
  printed = { issuer: field('Issuer'), clientId: field('Client ID'), secret: field('Secret') };
}, 150_000);

afterAll(async () => {
  await stack?.stop();
});

const token = async (...args: string[]) => {
  const result = await runTsx('local/token.ts', args, env);
  expect(result).toMatchObject({ code: 0, stderr: '' });
  return result.stdout.trim();
};
const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${api}${path}`, { headers });

it('prints every route of routes.ts with its access', () => {
  expect(stack.output()).toMatch(
    /GET http:\/\/localhost:\d+\/api\/hello\s+anonymous: no token needed/,
  );
  expect(stack.output()).toMatch(/GET http:\/\/localhost:\d+\/api\/whoami\s+all of AccessAll/);
  expect(stack.output()).toMatch(
    /GET http:\/\/localhost:\d+\/api\/messages\s+any of ReadOnly, AccessAll/,
  );
  // Not on the default API_PORT: the commands name this stack's, so they find it among several.
  expect(stack.output()).toContain(
    `READONLY=$(API_PORT=${env.API_PORT} npm run -s token -- --scope ReadOnly)`,
  );
  expect(stack.output()).toMatch(/api\/whoami -H "Authorization: Bearer \$READONLY"\s+# 403/);
  expect(stack.output()).toMatch(/api\/messages -H "Authorization: Bearer \$READONLY"\s+# 200/);
});

it('prints the API, the issuer, the dev client and the commands to try', () => {
  expect(api).toBe(`http://localhost:${env.API_PORT}`);
  expect(printed.issuer).toBe(`http://127.0.0.1:${env.ISSUER_PORT}/oauth2/default`);
  expect(printed.clientId).toBe('local-dev-client');
  expect(printed.secret).toMatch(/^[\w-]{20,}$/);
  expect(stack.output()).toContain(`TOKEN=$(API_PORT=${env.API_PORT} npm run -s token)`);
  expect(stack.output()).toContain(`curl -i ${api}/api/whoami -H "Authorization: Bearer $TOKEN"`);
});

it('hello answers 200 with and without a token', async () => {
  const withAndWithout: Record<string, string>[] = [
    {},
    { Authorization: `Bearer ${await token()}` },
  ];
  for (const headers of withAndWithout) {
    const response = await get('/api/hello', headers);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ message: expect.stringContaining('Hello') });
  }
});

it('whoami and messages answer 401 without a token', async () => {
  expect((await get('/api/whoami')).status).toBe(401);
  expect((await get('/api/messages')).status).toBe(401);
});

it('a ReadOnly token reads messages (200) and is refused whoami (403)', async () => {
  const readOnly = { Authorization: `Bearer ${await token('--scope', 'ReadOnly')}` };
  const messages = await get('/api/messages', readOnly);
  expect(messages.status).toBe(200);
  expect(messages.headers.get('cache-control')).toBe('no-store');
  expect(await messages.json()).toEqual({
    messages: expect.arrayContaining([expect.objectContaining({ id: 1 })]),
    requestedBy: { sub: 'local-dev-client', scopes: ['ReadOnly'] },
  });
  // The same token again, in the other order: no decision leaks from one route to the other.
  expect((await get('/api/whoami', readOnly)).status).toBe(403);
  expect((await get('/api/messages', readOnly)).status).toBe(200);
});

it('an AccessAll token gets both; a token with both scopes shows both', async () => {
  const accessAll = { Authorization: `Bearer ${await token()}` };
  expect((await get('/api/whoami', accessAll)).status).toBe(200);
  expect((await get('/api/messages', accessAll)).status).toBe(200);
  const both = await get('/api/messages', {
    Authorization: `Bearer ${await token('--scope', 'ReadOnly AccessAll')}`,
  });
  expect(await both.json()).toMatchObject({
    requestedBy: { scopes: ['ReadOnly', 'AccessAll'] },
  });
});

it('whoami answers 200 with an AccessAll token, showing who called', async () => {
  const response = await get('/api/whoami', { Authorization: `Bearer ${await token()}` });
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({
    sub: 'local-dev-client',
    cid: 'local-dev-client',
    scopes: ['AccessAll'],
    issuer: printed.issuer,
    expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
  });
});

it('the printed client id and secret work at the token endpoint, as in the Okta guide', async () => {
  const direct = await requestToken(
    printed.issuer,
    { id: printed.clientId, secret: printed.secret },
    'AccessAll',
  );
  expect((await get('/api/whoami', { Authorization: `Bearer ${direct}` })).status).toBe(200);
});

it('whoami answers 200 for the private_key_jwt client too', async () => {
  const keyFile = /--private-key (\S+)$/m.exec(stack.output())?.[1] as string;
  expect(keyFile).toMatch(/client-key\.json$/);
  const response = await get('/api/whoami', {
    Authorization: `Bearer ${await token('--private-key', keyFile)}`,
  });
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ cid: 'local-dev-client-jwt' });
});

it("a dev user's token (npm run token -- --user alice): whoami shows their uid and login", async () => {
  expect(stack.output()).toMatch(/Dev users\s+alice@example\.com, bob@example\.com, password \S+/);
  const response = await get('/api/whoami', {
    Authorization: `Bearer ${await token('--user', 'alice')}`,
  });
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({
    sub: 'alice@example.com',
    uid: expect.stringMatching(/^00u\w{17}$/),
    cid: 'local-spa-client',
    scopes: ['openid', 'profile', 'email', 'AccessAll', 'ReadOnly'],
  });
});

it('whoami answers 401 with a wrong-audience or a tampered token', async () => {
  const wrongAudience = await requestToken(
    printed.issuer,
    { id: printed.clientId, secret: printed.secret },
    'AccessAll',
    {
      resource: 'api://another-api',
    },
  );
  const tampered = tamper(await token('--scope', 'ReadOnly'), { scp: ['AccessAll'] });
  for (const bad of [wrongAudience, tampered]) {
    expect((await get('/api/whoami', { Authorization: `Bearer ${bad}` })).status).toBe(401);
  }
});

it('answers a CORS preflight for whoami without a token', async () => {
  const response = await fetch(`${api}/api/whoami`, {
    method: 'OPTIONS',
    headers: {
      Origin: 'https://app.example.com',
      'Access-Control-Request-Method': 'GET',
      'Access-Control-Request-Headers': 'authorization',
    },
  });
  expect(response.status).toBeLessThan(300);
  expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toContain(
    'authorization',
  );
});

it('stops cleanly: nothing left listening, no dev secrets left on disk', async () => {
  await stack.stop();
  expect(readdirSync(join(env.LOCAL_STATE_DIR as string, 'stacks'))).toEqual([]);
  await expect(fetch(`${api}/api/hello`)).rejects.toThrow();
  await expect(fetch(`${printed.issuer}/v1/keys`)).rejects.toThrow();
});
