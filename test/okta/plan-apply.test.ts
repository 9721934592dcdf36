import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startOktaOrg } from '../../testkit/okta-org';
import { oktaCli } from '../../testkit/okta-cli';

// `npm run okta` driven against the management API stand-in, through Okta's SDK: the same code
// that talks to a real org. No Okta org here. This file: plan and apply: converging, repairing hand edits, rate limits, priorities.
jest.setTimeout(30_000);

const c = oktaCli();
const { PREFIX, okta, ours, writes, appOf, shape } = c;

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
    const keyFile = join(c.root, '.okta', 'dev', 'admin-tool.private.jwk.json');
    expect(apply.text).toContain(
      `admin-tool: client ID ${clientId('admin-tool')}, DPoP required; private key ${keyFile}`,
    );
    const privateJwk = JSON.parse(readFileSync(keyFile, 'utf8')) as Record<string, string>;
    expect(privateJwk).toMatchObject({ kid: publicJwk?.kid, n: publicJwk?.n, kty: 'RSA' });
    expect(privateJwk.d).toEqual(expect.any(String));
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(apply.text).not.toContain(privateJwk.d);
    expect(apply.text).not.toContain(c.org.token);
    expect(appOf('browser-app')?.credentials.oauthClient).toMatchObject({
      token_endpoint_auth_method: 'none',
      pkce_required: true,
    });
    expect(c.org.state.trustedOrigins.map((o) => [o.origin, o.scopes.map((s) => s.type)])).toEqual([
      ['https://app.example.com', ['CORS']],
      ['http://localhost:8080', ['CORS', 'REDIRECT']],
    ]);
    expect(apply.lines).toContain(`  OKTA_ISSUER=${c.org.orgUrl}/oauth2/${server?.id}`);
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
      c.org.state.servers.find((s) => s.id === 'default'),
      c.org.state.apps.filter((a) => !a.label.startsWith(PREFIX)),
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
      OKTA_ISSUER: `${c.org.orgUrl}/oauth2/${server?.id}`,
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
        c.org.state.servers.find((s) => s.id === 'default'),
        c.org.state.apps.filter((a) => !a.label.startsWith(PREFIX)),
      ]),
    ).toBe(untouched);
  });

  it('a 429 mid-apply is retried after X-Rate-Limit-Reset, and the result is the same', async () => {
    await okta(['apply']);
    const clean = shape();
    await c.org.close();
    c.org = await startOktaOrg({ defaultServer: true, groups: ['API Admins'] });
    rmSync(join(c.root, '.okta'), { recursive: true, force: true });
    // Limited after the server and its first scope exist.
    const limitAfter = (writes: number) => {
      const original = c.org.requests.push.bind(c.org.requests);
      let seen = 0;
      c.org.requests.push = (...items: string[]) => {
        for (const item of items)
          if (/^POST /.test(item) && ++seen === writes) c.org.rateLimitNext(1);
        return original(...items);
      };
    };
    limitAfter(2);
    const apply = await okta(['apply']);
    expect(apply.code).toBe(0);
    const posts = c.org.requests.filter((r) => r.startsWith('POST '));
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
