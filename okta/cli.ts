/**
 * `npm run okta -- plan | apply | check [--stage <stage>] [--env-file]`: a real Okta org that
 * matches routes.ts. plan exits 0 when the org matches, 2 when changes are pending, 1 on error
 * (as `terraform plan -detailed-exitcode`); check exits 1 when a client could reach a route the
 * table does not mean it to. Credentials: the Okta SDK's own variables (okta/management.ts).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseOrigins } from '../settings/cors';
import { loadDotenv } from '../settings/env';
import { ConfigError } from '../settings/errors';
import { parseIssuers } from '../settings/okta';
import { ROOT, readServerlessYml } from '../settings/project.cjs';
import { callers as declared, routes } from '../routes';
import { BROWSER_APP, browserOrigins, CallersError, compileCallers } from '../route-table/callers';
import { checkOrg } from './check';
import { keysIn } from './keys';
import { describeCredentials, managementClient, readManagementSettings } from './management';
import { OrgApi } from './org';
import { type DeploySettings, reconcile } from './reconcile';

const USAGE = 'usage: npm run okta -- plan | apply | check [--stage <stage>] [--env-file]';

export interface CliIo {
  env: NodeJS.ProcessEnv;
  out: (line: string) => void;
  /** Where `.okta/` and `.env.<stage>` go: the project. */
  root?: string;
}

export async function runOkta(args: string[], io: CliIo): Promise<number> {
  const { env, out } = io;
  const root = io.root ?? ROOT;
  const [command, ...rest] = args;
  const stage = flag(rest, '--stage') ?? env.STAGE ?? 'dev';
  try {
    if (!['plan', 'apply', 'check'].includes(command ?? '')) throw new ConfigError(USAGE);
    if (!/^[a-z0-9-]{1,20}$/.test(stage))
      throw new ConfigError(
        `--stage is ${JSON.stringify(stage)}: lower case letters, digits and dashes.`,
      );
    const settings = readManagementSettings(env);
    const callers = compileCallers(declared, routes);
    const { service } = readServerlessYml();
    const prefix = `${service}-${stage}`;
    const audience = env.OKTA_AUDIENCE?.trim() || `api://${prefix}`;
    const corsOrigins = parseOrigins(env.CORS_ORIGINS).filter((origin) => origin !== '*');
    const org = new OrgApi(managementClient(settings));
    out(`Okta org ${settings.orgUrl}, with ${describeCredentials(settings)}.`);

    if (command === 'check') {
      if (!env.OKTA_ISSUER?.trim()) {
        throw new ConfigError(
          'OKTA_ISSUER is not set: check audits the authorization server the authorizer trusts; set it to its Issuer URI.',
        );
      }
      // Each issuer the authorizer trusts (OKTA_ISSUER may list several), with its audience.
      const findings = [];
      for (const trusted of parseIssuers(env)) {
        const found = await checkOrg(org, callers, {
          orgUrl: settings.orgUrl,
          issuer: trusted.issuer,
          audience: trusted.audience,
          corsOrigins,
          prefix,
        });
        findings.push(...found);
        for (const f of found) out(`${f.level === 'risk' ? 'RISK   ' : 'PROBLEM'} ${f.text}`);
        if (found.length === 0) out(`${trusted.issuer}: nothing found.`);
      }
      const risks = findings.filter((f) => f.level === 'risk').length;
      if (findings.length) out(`${risks} risk(s), ${findings.length - risks} problem(s).`);
      return risks > 0 ? 1 : 0;
    }

    const apply = command === 'apply';
    const outcome = await reconcile(
      org,
      callers,
      { prefix, audience, corsOrigins, redirectOrigins: browserOrigins(callers) },
      { apply, keys: keysIn(join(root, '.okta', stage)), log: out },
    );
    if (!apply) {
      for (const c of outcome.changes) {
        out(`${c.action === 'create' ? '+' : '~'} ${c.action} ${c.what}`);
        for (const d of c.details) out(`    ${d}`);
      }
    }
    for (const note of outcome.notes) out(`! ${note}`);
    if (outcome.changes.length === 0) {
      out(
        apply
          ? 'Nothing to change: the org already matches routes.ts.'
          : 'The org matches routes.ts.',
      );
    } else if (!apply) {
      out(
        `${outcome.changes.length} change(s) pending: npm run okta -- apply${stage === 'dev' ? '' : ` --stage ${stage}`} makes them.`,
      );
      return 2;
    } else {
      out(`${outcome.changes.length} change(s) made.`);
    }
    if (apply && outcome.settings) {
      printSettings(outcome.settings, out);
      if (rest.includes('--env-file')) out(`Wrote ${writeEnvFile(root, stage, outcome.settings)}.`);
    }
    return 0;
  } catch (error) {
    out(oneLine(error));
    return 1;
  }
}

function flag(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

function printSettings(s: DeploySettings, out: (line: string) => void): void {
  out('Deploy with (serverless deploy reads them from the environment or .env):');
  out(`  OKTA_ISSUER=${s.issuer}`);
  out(`  OKTA_AUDIENCE=${s.audience}`);
  if (s.browserClientId) out(`  OKTA_SPA_CLIENT_ID=${s.browserClientId}`);
  out(`  CALLER_CLIENT_IDS=${callerClientIds(s)}`);
  out('Service clients (private_key_jwt):');
  for (const c of s.clients) {
    const key = c.keyFile
      ? `private key ${c.keyFile}`
      : 'private key: not on this machine (made elsewhere)';
    out(`  ${c.name}: client ID ${c.clientId}${c.dpop ? ', DPoP required' : ''}; ${key}`);
  }
}

/** CALLER_CLIENT_IDS: `name=clientId` for each service client and the browser app. */
function callerClientIds(s: DeploySettings): string {
  return [
    ...s.clients.map((c) => `${c.name}=${c.clientId}`),
    ...(s.browserClientId ? [`${BROWSER_APP}=${s.browserClientId}`] : []),
  ].join(',');
}

/** `.env.<stage>`: these settings replace their old lines; every other line stays. */
function writeEnvFile(root: string, stage: string, s: DeploySettings): string {
  const file = join(root, `.env.${stage}`);
  const values: Record<string, string | undefined> = {
    OKTA_ISSUER: s.issuer,
    OKTA_AUDIENCE: s.audience,
    OKTA_SPA_CLIENT_ID: s.browserClientId,
    // Each caller's client id, for its usage plan (routes.ts callers' limits).
    CALLER_CLIENT_IDS: callerClientIds(s),
  };
  const kept = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line && !Object.keys(values).some((k) => line.startsWith(`${k}=`)))
    : ['# Written by npm run okta -- apply --env-file: ENV_FILE=.env.' + stage + ' to use it.'];
  const lines = Object.entries(values)
    .filter(([, v]) => v)
    .map(([k, v]) => `${k}=${v}`);
  writeFileSync(file, `${[...kept, ...lines].join('\n')}\n`);
  return file;
}

/** One line, no stack: Okta's own summary when it answered with an error. */
export function oneLine(error: unknown): string {
  if (error instanceof CallersError || error instanceof ConfigError) return error.message;
  const e = error as { status?: number; errorSummary?: string; message?: string; url?: string };
  if (e.status && e.errorSummary) {
    const hint =
      e.status === 401
        ? ' (check the credentials)'
        : e.status === 403
          ? ' (the credentials lack a scope or admin role this needs: SECURITY.md, "The Okta org")'
          : '';
    return `Okta answered ${e.status}: ${e.errorSummary}${hint}`;
  }
  return `npm run okta failed: ${String(e.message ?? error).split('\n')[0]}`;
}

if (require.main === module) {
  loadDotenv();
  void runOkta(process.argv.slice(2), { env: process.env, out: (line) => console.log(line) }).then(
    (code) => {
      process.exitCode = code;
    },
  );
}
