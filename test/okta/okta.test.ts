import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runOkta } from '../../okta/cli';
import { OrgApi } from '../../okta/org';
import {
  MANAGE_SCOPES,
  managementClient,
  READ_SCOPES,
  readManagementSettings,
} from '../../okta/management';
import { exportJWK, generateKeyPair } from 'jose';
import { type OktaOrgStandIn, startOktaOrg } from '../../testkit/okta-org';

// `npm run okta` driven against the management API stand-in, through Okta's SDK: the same code
// that talks to a real org. No Okta org here.
jest.setTimeout(30_000);

const PREFIX = 'okta-serverless-api-dev';
let org: OktaOrgStandIn;
let root: string;

beforeEach(async () => {
  org = await startOktaOrg({ defaultServer: true, groups: ['API Admins'] });
  root = mkdtempSync(join(tmpdir(), 'okta-cli-'));
});
afterEach(async () => {
  await org.close();
  rmSync(root, { recursive: true, force: true });
});

const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  OKTA_CLIENT_ORGURL: org.orgUrl,
  OKTA_CLIENT_TOKEN: org.token,
  CORS_ORIGINS: 'https://app.example.com',
  ...extra,
});
async function okta(args: string[], extra: Record<string, string> = {}) {
  const lines: string[] = [];
  const code = await runOkta(args, { env: env(extra), out: (line) => lines.push(line), root });
  return { code, lines, text: lines.join('\n') };
}
const ours = () => org.state.servers.find((s) => s.name === PREFIX);
const writes = () => org.requests.filter((r) => /^(POST|PUT|DELETE) /.test(r));
const appOf = (name: string) => org.state.apps.find((a) => a.label === `${PREFIX}-${name}`);
/** The org's shape without its generated ids and times: two runs that did the same compare equal. */
function shape() {
  const ids = new Map<string, string>();
  const name = (id: string) => {
    if (!ids.has(id)) ids.set(id, `id${ids.size}`);
    return ids.get(id) as string;
  };
  return JSON.parse(
    JSON.stringify(org.state, (key, value: unknown) => {
      if (['created', 'lastUpdated', 'x5c'].includes(key)) return undefined;
      if (['n', 'e', 'kid'].includes(key)) return '(key)';
      if (typeof value === 'string' && /^(aus|scp|00p|0pr|0oa|tos|00g)\w{17}$/.test(value))
        return name(value);
      if (typeof value === 'string' && value.includes('/oauth2/')) return '(issuer)';
      return value;
    }),
  ) as unknown;
}

describe('plan and apply', () => {
  it('plan on an empty org lists everything; apply creates it; plan then exits 0; a second apply changes nothing', async () => {
    const plan = await okta(['plan']);
    expect(plan.code).toBe(2);
    expect(writes()).toEqual([]);
    for (const expected of [
      `+ create authorization server ${PREFIX} (audience api://${PREFIX})`,
      '+ create scope AccessAll (consent IMPLICIT)',
      '+ create scope ReadOnly (consent IMPLICIT)',
      `+ create service app ${PREFIX}-reporting-job (private_key_jwt)`,
      `+ create service app ${PREFIX}-admin-tool (private_key_jwt, DPoP required)`,
      `+ create policy "client reporting-job" (only client ${PREFIX}-reporting-job, priority 1)`,
      '+ create rule "client credentials" of policy "client reporting-job" (client_credentials: ReadOnly)',
      '+ create trusted origin https://app.example.com (CORS)',
      '+ create trusted origin http://localhost:8080 (CORS, REDIRECT)',
    ]) {
      expect(plan.lines).toContain(expected);
    }
    expect(plan.lines.at(-1)).toBe('15 change(s) pending: npm run okta -- apply makes them.');

    const apply = await okta(['apply']);
    expect(apply.code).toBe(0);
    expect(apply.text).toContain('15 change(s) made.');
    const server = ours();
    expect(server).toMatchObject({ audiences: [`api://${PREFIX}`] });
    expect(server?.scopes.map((s) => [s.name, s.consent])).toEqual([
      ['AccessAll', 'IMPLICIT'],
      ['ReadOnly', 'IMPLICIT'],
    ]);
    // One policy per client, bound to that client only, each rule granting exactly its scopes.
    const clientId = (name: string) => appOf(name)?.credentials.oauthClient.client_id;
    expect(
      server?.policies.map((p) => [
        p.name,
        p.priority,
        p.conditions.clients.include,
        p.rules.map((r) => [r.name, r.conditions.scopes.include, r.conditions.grantTypes.include]),
      ]),
    ).toEqual([
      [
        'client reporting-job',
        1,
        [clientId('reporting-job')],
        [['client credentials', ['ReadOnly'], ['client_credentials']]],
      ],
      [
        'client admin-tool',
        2,
        [clientId('admin-tool')],
        [['client credentials', ['AccessAll'], ['client_credentials']]],
      ],
      [
        'browser app',
        3,
        [clientId('browser-app')],
        [
          [
            'group API Admins',
            ['openid', 'profile', 'email', 'offline_access', 'AccessAll', 'ReadOnly'],
            ['authorization_code'],
          ],
          [
            'group Everyone',
            ['openid', 'profile', 'email', 'offline_access', 'ReadOnly'],
            ['authorization_code'],
          ],
        ],
      ],
    ]);
    expect(JSON.stringify(server?.policies)).not.toMatch(/ALL_CLIENTS|"\*"/);
    // private_key_jwt: only the public key went to Okta; the private one is here, owner-only.
    const admin = appOf('admin-tool');
    expect(admin?.credentials.oauthClient.token_endpoint_auth_method).toBe('private_key_jwt');
    expect(admin?.settings.oauthClient).toMatchObject({
      dpop_bound_access_tokens: true,
      grant_types: ['client_credentials'],
    });
    const [publicJwk] = (admin?.settings.oauthClient.jwks as { keys: Record<string, string>[] })
      .keys;
    expect(publicJwk).not.toHaveProperty('d');
    const keyFile = join(root, '.okta', 'dev', 'admin-tool.private.jwk.json');
    expect(apply.text).toContain(
      `admin-tool: client ID ${clientId('admin-tool')}, DPoP required; private key ${keyFile}`,
    );
    const privateJwk = JSON.parse(readFileSync(keyFile, 'utf8')) as Record<string, string>;
    expect(privateJwk).toMatchObject({ kid: publicJwk?.kid, n: publicJwk?.n, kty: 'RSA' });
    expect(privateJwk.d).toEqual(expect.any(String));
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(apply.text).not.toContain(privateJwk.d);
    expect(apply.text).not.toContain(org.token);
    expect(appOf('browser-app')?.credentials.oauthClient).toMatchObject({
      token_endpoint_auth_method: 'none',
      pkce_required: true,
    });
    expect(org.state.trustedOrigins.map((o) => [o.origin, o.scopes.map((s) => s.type)])).toEqual([
      ['https://app.example.com', ['CORS']],
      ['http://localhost:8080', ['CORS', 'REDIRECT']],
    ]);
    expect(apply.lines).toContain(`  OKTA_ISSUER=${org.orgUrl}/oauth2/${server?.id}`);
    expect(apply.lines).toContain(`  OKTA_AUDIENCE=api://${PREFIX}`);

    const again = await okta(['plan']);
    expect(again.code).toBe(0);
    expect(again.lines.at(-1)).toBe('The org matches routes.ts.');
    const before = writes().length;
    const second = await okta(['apply']);
    expect(second.code).toBe(0);
    expect(second.text).toContain('Nothing to change: the org already matches routes.ts.');
    expect(writes().length).toBe(before);
  });

  it('a hand edit shows in plan and check, and apply repairs it without touching anything else', async () => {
    await okta(['apply']);
    const server = ours();
    const untouched = JSON.stringify([
      org.state.servers.find((s) => s.id === 'default'),
      org.state.apps.filter((a) => !a.label.startsWith(PREFIX)),
    ]);
    // By hand: ReadOnly removed, the reporting job's rule widened to every scope.
    server?.scopes.splice(
      server.scopes.findIndex((s) => s.name === 'ReadOnly'),
      1,
    );
    const rule = server?.policies[0]?.rules[0];
    if (rule) rule.conditions.scopes.include = ['*'];

    const plan = await okta(['plan']);
    expect(plan.code).toBe(2);
    expect(plan.lines).toEqual(
      expect.arrayContaining([
        '+ create scope ReadOnly (consent IMPLICIT)',
        '~ update rule "client credentials" of policy "client reporting-job"',
        '    scopes: * → ReadOnly',
      ]),
    );
    const check = await okta(['check'], {
      OKTA_ISSUER: `${org.orgUrl}/oauth2/${server?.id}`,
      OKTA_AUDIENCE: `api://${PREFIX}`,
    });
    expect(check.code).toBe(1);
    expect(check.lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^RISK {4}rule "client credentials" of policy "client reporting-job" grants every scope \(\*\)/,
        ),
        expect.stringMatching(
          /^PROBLEM scope ReadOnly is used by routes.ts but authorization server okta-serverless-api-dev lacks it/,
        ),
      ]),
    );

    expect((await okta(['apply'])).code).toBe(0);
    expect(server?.policies[0]?.rules[0]?.conditions.scopes.include).toEqual(['ReadOnly']);
    expect(server?.scopes.map((s) => s.name).sort()).toEqual(['AccessAll', 'ReadOnly']);
    expect((await okta(['plan'])).code).toBe(0);
    expect(
      JSON.stringify([
        org.state.servers.find((s) => s.id === 'default'),
        org.state.apps.filter((a) => !a.label.startsWith(PREFIX)),
      ]),
    ).toBe(untouched);
  });

  it('a 429 mid-apply is retried after X-Rate-Limit-Reset, and the result is the same', async () => {
    await okta(['apply']);
    const clean = shape();
    await org.close();
    org = await startOktaOrg({ defaultServer: true, groups: ['API Admins'] });
    rmSync(join(root, '.okta'), { recursive: true, force: true });
    // Limited after the server and its first scope exist.
    const limitAfter = (writes: number) => {
      const original = org.requests.push.bind(org.requests);
      let seen = 0;
      org.requests.push = (...items: string[]) => {
        for (const item of items)
          if (/^POST /.test(item) && ++seen === writes) org.rateLimitNext(1);
        return original(...items);
      };
    };
    limitAfter(2);
    const apply = await okta(['apply']);
    expect(apply.code).toBe(0);
    const posts = org.requests.filter((r) => r.startsWith('POST '));
    // The request after the limit was sent twice: once refused, once after the reset.
    expect(posts.length).toBe(16);
    expect(shape()).toEqual(clean);
  });

  it('a priority moved by hand is put back; in order, priorities are left alone', async () => {
    await okta(['apply']);
    const server = ours();
    const admin = server?.policies.find((p) => p.name === 'client admin-tool');
    // Move admin-tool's policy first, as Okta would renumber it.
    if (server && admin) {
      server.policies.splice(server.policies.indexOf(admin), 1);
      server.policies.unshift(admin);
      server.policies.forEach((p, i) => (p.priority = i + 1));
    }
    const plan = await okta(['plan']);
    expect(plan.lines).toEqual(
      expect.arrayContaining(['~ update policy "client reporting-job"', '    priority: 2 → 1']),
    );
    await okta(['apply']);
    expect(server?.policies.map((p) => p.name)).toEqual([
      'client reporting-job',
      'client admin-tool',
      'browser app',
    ]);
    expect((await okta(['plan'])).code).toBe(0);
  });
});

describe('check', () => {
  it("flags the default server's grant-everything rule and its ALL_CLIENTS policy, and exits 1", async () => {
    const check = await okta(['check'], { OKTA_ISSUER: `${org.orgUrl}/oauth2/default` });
    expect(check.code).toBe(1);
    expect(check.lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^RISK {4}policy "Default Policy" on authorization server default applies to every client \(ALL_CLIENTS\)/,
        ),
        expect.stringMatching(
          /^RISK {4}rule "Default Policy Rule" of policy "Default Policy" grants every scope \(\*\)/,
        ),
        expect.stringMatching(
          /^PROBLEM scope AccessAll is used by routes.ts but authorization server default lacks it/,
        ),
        expect.stringMatching(
          /^PROBLEM CORS_ORIGINS has https:\/\/app.example.com, which is not a CORS Trusted Origin/,
        ),
      ]),
    );
    expect(check.lines.at(-1)).toBe('2 risk(s), 3 problem(s).');
  });

  it('flags an audience and an issuer that do not match, and consent REQUIRED', async () => {
    await okta(['apply']);
    const server = ours();
    const scope = server?.scopes[0];
    if (scope) scope.consent = 'REQUIRED';
    const check = await okta(['check'], {
      OKTA_ISSUER: `${org.orgUrl}/oauth2/${server?.id}`,
      OKTA_AUDIENCE: 'api://other',
    });
    expect(check.code).toBe(0);
    expect(check.lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^PROBLEM authorization server okta-serverless-api-dev has audience api:\/\/okta-serverless-api-dev, not api:\/\/other/,
        ),
        expect.stringMatching(
          /^PROBLEM scope AccessAll on authorization server okta-serverless-api-dev requires consent/,
        ),
      ]),
    );
    const missing = await okta(['check'], {
      OKTA_ISSUER: `${org.orgUrl}/oauth2/ausnothere00000000`,
    });
    expect(missing.lines).toContainEqual(
      expect.stringMatching(
        /^PROBLEM authorization server ausnothere00000000 \(OKTA_ISSUER\) does not exist/,
      ),
    );
    const orgIssuer = await okta(['check'], { OKTA_ISSUER: org.orgUrl });
    expect(orgIssuer.lines).toContainEqual(
      expect.stringMatching(/is not a custom authorization server/),
    );
  });

  it('audits every issuer OKTA_ISSUER lists, each with its audience', async () => {
    await okta(['apply']);
    const ours = `${org.orgUrl}/oauth2/${org.state.servers.find((s) => s.name === PREFIX)?.id}`;
    const check = await okta(['check'], {
      OKTA_ISSUER: `${org.orgUrl}/oauth2/default,${ours}`,
      OKTA_AUDIENCE: `api://default,api://${PREFIX}`,
    });
    expect(check.code).toBe(1);
    expect(check.lines).toContain(`${ours}: nothing found.`);
    expect(check.lines).toContainEqual(expect.stringMatching(/^RISK {4}policy "Default Policy"/));
  });

  it('a managed client granted more than routes.ts declares is a risk', async () => {
    await okta(['apply']);
    const server = ours();
    const rule = server?.policies[0]?.rules[0];
    if (rule) rule.conditions.scopes.include = ['ReadOnly', 'AccessAll'];
    const check = await okta(['check'], {
      OKTA_ISSUER: `${org.orgUrl}/oauth2/${server?.id}`,
      OKTA_AUDIENCE: `api://${PREFIX}`,
    });
    expect(check.code).toBe(1);
    expect(check.lines).toContainEqual(
      expect.stringMatching(
        /^RISK {4}rule "client credentials" of policy "client reporting-job" grants AccessAll to reporting-job, which routes.ts gives only ReadOnly/,
      ),
    );
  });
});

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
    expect(org.requests).toEqual([]);
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
      join(root, '.env.prod'),
      'CORS_ORIGINS=https://app.example.com\nOKTA_ISSUER=https://old\n',
    );
    const result = await okta(['apply', '--stage', 'prod', '--env-file']);
    expect(result.code).toBe(0);
    const server = org.state.servers.find((s) => s.name === 'okta-serverless-api-prod');
    expect(readFileSync(join(root, '.env.prod'), 'utf8')).toBe(
      `CORS_ORIGINS=https://app.example.com\nOKTA_ISSUER=${org.orgUrl}/oauth2/${server?.id}\nOKTA_AUDIENCE=api://okta-serverless-api-prod\nOKTA_SPA_CLIENT_ID=${org.state.apps.find((a) => a.label === 'okta-serverless-api-prod-browser-app')?.id}\n`,
    );
  });
});

describe('OAuth for Okta (PrivateKey): the preferred credentials', () => {
  async function managementApp(scopes: string[]) {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    const publicJwk = { ...(await exportJWK(publicKey)), kid: 'mgmt-key', alg: 'RS256' };
    await org.close();
    org = await startOktaOrg({
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
    expect(org.requests).toContain('POST /oauth2/v1/token');
    expect(apply.text).not.toContain(credentials.OKTA_CLIENT_PRIVATEKEY);
  });

  it('with the read scopes only: plan and check work, apply is refused by Okta in one line', async () => {
    const credentials = await managementApp(READ_SCOPES);
    expect((await okta(['plan'], credentials)).code).toBe(2);
    expect(
      (await okta(['check'], { ...credentials, OKTA_ISSUER: `${org.orgUrl}/oauth2/default` })).code,
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
          env: { PATH: process.env.PATH, HOME: root, ...env(extra), ENV_FILE: join(root, 'none') },
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
