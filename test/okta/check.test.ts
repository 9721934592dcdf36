import { oktaCli } from '../../testkit/okta-cli';

// `npm run okta` driven against the management API stand-in, through Okta's SDK: the same code
// that talks to a real org. No Okta org here. This file: check: the audit of an org against routes.ts.
jest.setTimeout(30_000);

const c = oktaCli();
const { PREFIX, okta, ours } = c;

describe('check', () => {
  it("flags the default server's grant-everything rule and its ALL_CLIENTS policy, and exits 1", async () => {
    const check = await okta(['check'], { OKTA_ISSUER: `${c.org.orgUrl}/oauth2/default` });
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
      OKTA_ISSUER: `${c.org.orgUrl}/oauth2/${server?.id}`,
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
      OKTA_ISSUER: `${c.org.orgUrl}/oauth2/ausnothere00000000`,
    });
    expect(missing.lines).toContainEqual(
      expect.stringMatching(
        /^PROBLEM authorization server ausnothere00000000 \(OKTA_ISSUER\) does not exist/,
      ),
    );
    const orgIssuer = await okta(['check'], { OKTA_ISSUER: c.org.orgUrl });
    expect(orgIssuer.lines).toContainEqual(
      expect.stringMatching(/is not a custom authorization server/),
    );
  });

  it('audits every issuer OKTA_ISSUER lists, each with its audience', async () => {
    await okta(['apply']);
    const ours = `${c.org.orgUrl}/oauth2/${c.org.state.servers.find((s) => s.name === PREFIX)?.id}`;
    const check = await okta(['check'], {
      OKTA_ISSUER: `${c.org.orgUrl}/oauth2/default,${ours}`,
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
      OKTA_ISSUER: `${c.org.orgUrl}/oauth2/${server?.id}`,
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
