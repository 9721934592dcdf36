/**
 * `npm run okta` driven against the management API stand-in (testkit/okta-org/), through Okta's
 * SDK: the same code that talks to a real org. A new org and a temporary folder for each test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runOkta } from '../okta/cli';
import { type OktaOrgStandIn, startOktaOrg } from './okta-org';

/** Registers the hooks; what it returns reads the current test's org and folder. */
export function oktaCli() {
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

  return {
    PREFIX,
    get org() {
      return org;
    },
    /** A test that starts its own org (other credentials) hands it over, to be closed after it. */
    set org(replacement: OktaOrgStandIn) {
      org = replacement;
    },
    get root() {
      return root;
    },
    env,
    okta,
    ours,
    writes,
    appOf,
    shape,
  };
}
