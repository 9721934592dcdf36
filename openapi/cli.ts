/**
 * `npm run -s openapi [-- --stage NAME [--region REGION]]`: the API's OpenAPI 3.1 document, as JSON
 * on standard output. Without a stage, it describes the local stack (npm start) and its local
 * issuer (API_PORT and ISSUER_PORT move them); with one, that stage as deployed, from its settings
 * (ENV_FILE, or .env.<stage>, or .env) without the network.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { config } from 'dotenv';
import { callers, routes } from '../routes';
import { CallersError } from '../route-table/callers';
import { RouteTableError } from '../route-table/compile';
import { ConfigError } from '../settings/errors';
import { ROOT } from '../settings/project.cjs';
import { OpenApiError, openApiDocument } from './document';
import { localTarget, stageTarget } from './targets';

const USAGE = 'usage: npm run -s openapi [-- --stage NAME [--region REGION]]';

export function runOpenApi(args: string[], env: NodeJS.ProcessEnv, root = ROOT): string {
  const known = new Set(['--stage', '--region']);
  for (let i = 0; i < args.length; i += 2) {
    if (!known.has(args[i] as string) || args[i + 1] === undefined) throw new ConfigError(USAGE);
  }
  const stage = flag(args, '--stage');
  const region = flag(args, '--region') ?? 'us-east-1';
  if (stage !== undefined && !/^[a-zA-Z0-9-]{1,128}$/.test(stage)) {
    throw new ConfigError(`--stage is ${JSON.stringify(stage)}: letters, digits and dashes.`);
  }
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
    throw new ConfigError(`--region is ${JSON.stringify(region)}: an AWS region, e.g. us-east-1.`);
  }
  if (stage === undefined) {
    // The local stack with its local issuer, as docs/openapi.json holds it: neither .env nor
    // OKTA_ISSUER (npm start's /docs describes a stack started against Okta).
    const target = localTarget({ API_PORT: env.API_PORT, ISSUER_PORT: env.ISSUER_PORT });
    return `${JSON.stringify(openApiDocument(target, { routes, callers }), null, 2)}\n`;
  }
  // As serverless does: .env.<stage> if there is one, else .env; the real environment wins.
  const file = env.ENV_FILE ?? [`.env.${stage}`, '.env'].find((f) => existsSync(join(root, f)));
  if (file)
    config({ path: resolve(root, file), processEnv: env as Record<string, string>, quiet: true });
  const target = stageTarget(env, stage, region);
  return `${JSON.stringify(openApiDocument(target, { routes, callers }), null, 2)}\n`;
}

function flag(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

if (require.main === module) {
  try {
    process.stdout.write(runOpenApi(process.argv.slice(2), process.env));
  } catch (error) {
    const known = [ConfigError, RouteTableError, CallersError, OpenApiError].some(
      (t) => error instanceof t,
    );
    process.stderr.write(`npm run openapi: ${known ? (error as Error).message : String(error)}\n`);
    process.exit(1);
  }
}
