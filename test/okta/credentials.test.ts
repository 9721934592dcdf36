import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OrgApi } from '../../okta/org';
import {
  MANAGE_SCOPES,
  managementClient,
  READ_SCOPES,
  readManagementSettings,
} from '../../okta/management';
import { exportJWK, generateKeyPair } from 'jose';
import { startOktaOrg } from '../../testkit/okta-org';
import { oktaCli } from '../../testkit/okta-cli';

// `npm run okta` driven against the management API stand-in, through Okta's SDK: the same code
// that talks to a real org. No Okta org here. This file: credentials and settings, OAuth for Okta, and npm run okta as a process.
jest.setTimeout(30_000);

const c = oktaCli();
const { env, okta, writes } = c;

describe('credentials and settings', () => {
  it.each([
    [{ OKTA_CLIENT_ORGURL: '' }, /^OKTA_CLIENT_ORGURL is not set: /],
    [
      { OKTA_CLIENT_ORGURL: 'http://dev-1.okta.com' },
      /^OKTA_CLIENT_ORGURL must use https \(http only on loopback\)/,
    ],
    [
      { OKTA_CLIENT_ORGURL: 'https://dev-1.okta.com/oauth2/default' },
      /^OKTA_CLIENT_ORGURL is the org alone, without a path: https:\/\/dev-1.okta.com/,
    ],
    [
      { OKTA_CLIENT_TOKEN: '', OKTA_CLIENT_ID: 'caller', OKTA_CLIENT_SECRET: 'x' },
      /^No Okta management credentials \(OKTA_CLIENT_ID and OKTA_CLIENT_SECRET are the API caller npm run token uses/,
    ],
    [
      { OKTA_CLIENT_AUTHORIZATIONMODE: 'PrivateKey' },
      /^OKTA_CLIENT_AUTHORIZATIONMODE=PrivateKey needs OKTA_CLIENT_CLIENTID, OKTA_CLIENT_SCOPES, OKTA_CLIENT_PRIVATEKEY/,
    ],
    [{ OKTA_CLIENT_AUTHORIZATIONMODE: 'Basic' }, /^OKTA_CLIENT_AUTHORIZATIONMODE is "Basic"/],
  ])('%j: one line that names the setting, exit 1, nothing sent', async (extra, message) => {
    const result = await okta(['plan'], extra);
    expect(result.code).toBe(1);
    expect(result.lines).toHaveLength(1);
    expect(result.lines[0]).toMatch(message);
    expect(c.org.requests).toEqual([]);
  });

  it('an unknown command prints the usage', async () => {
    expect(await okta(['destroy'])).toMatchObject({
      code: 1,
      lines: [expect.stringMatching(/^usage: npm run okta -- plan \| apply \| check/)],
    });
  });

  it("a wrong API token: Okta's answer in one line, no secret", async () => {
    const result = await okta(['plan'], { OKTA_CLIENT_TOKEN: 'not-the-token' });
    expect(result.code).toBe(1);
    expect(result.lines.at(-1)).toBe(
      'Okta answered 401: Invalid token provided (check the credentials)',
    );
    expect(result.text).not.toContain('not-the-token');
  });

  it('PrivateKey mode reads only the SDK variables, never our OKTA_CLIENT_ID', () => {
    expect(
      readManagementSettings({
        OKTA_CLIENT_ORGURL: 'https://dev-1.okta.com/',
        OKTA_CLIENT_AUTHORIZATIONMODE: 'PrivateKey',
        OKTA_CLIENT_CLIENTID: '0oamanagement',
        OKTA_CLIENT_SCOPES: 'okta.apps.manage okta.authorizationServers.manage',
        OKTA_CLIENT_PRIVATEKEY: '{"kty":"RSA"}',
        OKTA_CLIENT_KEYID: 'kid1',
        OKTA_CLIENT_ID: '0oacaller',
        OKTA_CLIENT_TOKEN: 'ignored-in-this-mode',
      }),
    ).toEqual({
      orgUrl: 'https://dev-1.okta.com',
      mode: 'PrivateKey',
      token: '',
      clientId: '0oamanagement',
      scopes: 'okta.apps.manage okta.authorizationServers.manage',
      privateKey: '{"kty":"RSA"}',
      keyId: 'kid1',
    });
  });

  it("the SDK's loader cannot fill in what we left out: an okta.yaml's token and org are not used", async () => {
    const home = mkdtempSync(join(tmpdir(), 'okta-home-'));
    mkdirSync(join(home, '.okta'));
    writeFileSync(
      join(home, '.okta', 'okta.yaml'),
      'okta:\n  client:\n    orgUrl: https://elsewhere.okta.com\n    token: from-yaml\n    authorizationMode: PrivateKey\n',
    );
    const saved = { HOME: process.env.HOME, OKTA_CLIENT_ORGURL: process.env.OKTA_CLIENT_ORGURL };
    process.env.HOME = home;
    process.env.OKTA_CLIENT_ORGURL = 'https://elsewhere-from-env.okta.com';
    try {
      const api = new OrgApi(managementClient(readManagementSettings(env())));
      await expect(api.findServer('default')).resolves.toMatchObject({ id: 'default' });
    } finally {
      process.env.HOME = saved.HOME;
      if (saved.OKTA_CLIENT_ORGURL === undefined) delete process.env.OKTA_CLIENT_ORGURL;
      else process.env.OKTA_CLIENT_ORGURL = saved.OKTA_CLIENT_ORGURL;
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('apply --env-file writes the deploy settings to .env.<stage>, keeping its other lines', async () => {
    writeFileSync(
      join(c.root, '.env.prod'),
      'CORS_ORIGINS=https://app.example.com\nOKTA_ISSUER=https://old\n',
    );
    const result = await okta(['apply', '--stage', 'prod', '--env-file']);
    expect(result.code).toBe(0);
    const server = c.org.state.servers.find((s) => s.name === 'okta-serverless-api-prod');
    const appId = (name: string) =>
      c.org.state.apps.find((a) => a.label === `okta-serverless-api-prod-${name}`)?.id;
    expect(readFileSync(join(c.root, '.env.prod'), 'utf8')).toBe(
      `CORS_ORIGINS=https://app.example.com\nOKTA_ISSUER=${c.org.orgUrl}/oauth2/${server?.id}\nOKTA_AUDIENCE=api://okta-serverless-api-prod\nOKTA_SPA_CLIENT_ID=${appId('browser-app')}\nCALLER_CLIENT_IDS=reporting-job=${appId('reporting-job')},admin-tool=${appId('admin-tool')},browser-app=${appId('browser-app')}\n`,
    );
  });
});

describe('OAuth for Okta (PrivateKey): the preferred credentials', () => {
  async function managementApp(scopes: string[]) {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    const publicJwk = { ...(await exportJWK(publicKey)), kid: 'mgmt-key', alg: 'RS256' };
    await c.org.close();
    c.org = await startOktaOrg({
      defaultServer: true,
      groups: ['API Admins'],
      managementClients: [{ clientId: '0oamanagement', publicJwk, scopes }],
    });
    return {
      OKTA_CLIENT_TOKEN: '',
      OKTA_CLIENT_AUTHORIZATIONMODE: 'PrivateKey',
      OKTA_CLIENT_CLIENTID: '0oamanagement',
      OKTA_CLIENT_SCOPES: scopes.join(' '),
      OKTA_CLIENT_PRIVATEKEY: JSON.stringify({
        ...(await exportJWK(privateKey)),
        kid: 'mgmt-key',
        alg: 'RS256',
      }),
    };
  }

  it('with the manage scopes: apply converges, signed in with private_key_jwt, no API token', async () => {
    const credentials = await managementApp(MANAGE_SCOPES);
    const apply = await okta(['apply'], credentials);
    expect(apply.lines[0]).toMatch(/with OAuth for Okta \(client 0oamanagement, scopes okta\./);
    expect(apply.code).toBe(0);
    expect((await okta(['plan'], credentials)).code).toBe(0);
    expect(c.org.requests).toContain('POST /oauth2/v1/token');
    expect(apply.text).not.toContain(credentials.OKTA_CLIENT_PRIVATEKEY);
  });

  it('with the read scopes only: plan and check work, apply is refused by Okta in one line', async () => {
    const credentials = await managementApp(READ_SCOPES);
    expect((await okta(['plan'], credentials)).code).toBe(2);
    expect(
      (await okta(['check'], { ...credentials, OKTA_ISSUER: `${c.org.orgUrl}/oauth2/default` }))
        .code,
    ).toBe(1);
    const apply = await okta(['apply'], credentials);
    expect(apply.code).toBe(1);
    expect(apply.lines.at(-1)).toBe(
      'Okta answered 403: You do not have permission to perform the requested action (the credentials lack a scope or admin role this needs: SECURITY.md, "The Okta org")',
    );
    expect(writes().filter((w) => !w.startsWith('POST /oauth2/'))).toEqual([
      'POST /api/v1/authorizationServers',
    ]);
  });
});

describe('npm run okta, as a process', () => {
  const run = (args: string[], extra: Record<string, string> = {}) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [require.resolve('tsx/cli'), join(__dirname, '../../okta/cli.ts'), ...args],
        {
          env: {
            PATH: process.env.PATH,
            HOME: c.root,
            ...env(extra),
            ENV_FILE: join(c.root, 'none'),
          },
        },
        (error, stdout, stderr) =>
          resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
      );
    });

  it('exits 2 with changes pending, and 1 with one line and no stack on a bad setting', async () => {
    expect((await run(['plan'])).code).toBe(2);
    const bad = await run(['plan'], { OKTA_CLIENT_ORGURL: 'http://example.com' });
    expect(bad.code).toBe(1);
    expect(bad.stdout.trim().split('\n')).toEqual([
      'OKTA_CLIENT_ORGURL must use https (http only on loopback), not http://example.com.',
    ]);
    expect(bad.stderr).toBe('');
  });
});
