import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import type { RouteTableInput } from '../route-table/compile';
import { ROOT, readServerlessYml } from '../settings/project.cjs';

// The same esbuild plugins serverless-esbuild loads (serverless.yml: custom.esbuild.plugins).
const { precompiledRoutes, separateFiles } =
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('../plugins/esbuild.cjs') as {
    precompiledRoutes: (routes?: RouteTableInput) => Plugin;
    separateFiles: () => Plugin;
  };

export interface Bundle {
  name: string;
  file: string;
  minifiedBytes: number;
  /** The files beside it that it loads on first use (Powertools, at its first log line). */
  separateBytes: number;
  zipBytes: number;
}

/** serverless-esbuild's options from serverless.yml, as it passes them to esbuild. */
export function esbuildOptions(plugins: Plugin[]) {
  const options = readServerlessYml().custom.esbuild;
  return {
    bundle: options.bundle as boolean,
    minify: options.minify as boolean,
    sourcemap: options.sourcemap as boolean,
    legalComments: options.legalComments as 'none',
    target: options.target as string,
    mainFields: options.mainFields as string[],
    external: options.exclude as string[],
    platform: 'node' as const,
    format: 'cjs' as const,
    logLevel: 'silent' as const,
    plugins: [...plugins, separateFiles()],
  };
}

/** The authorizer bundled with another route table (the 50-route one), as the build would. */
export async function authorizerBundleWith(
  routes: RouteTableInput,
): Promise<{ file: string; minifiedBytes: number }> {
  const file = join(mkdtempSync(join(tmpdir(), 'bench-routes-')), 'authorizer.js');
  await build({
    ...esbuildOptions([precompiledRoutes(routes)]),
    entryPoints: [join(ROOT, 'authorizer/index.ts')],
    outfile: file,
  });
  return { file, minifiedBytes: statSync(file).size };
}

/** `serverless package` into a folder of its own: the zips and the template, as deployed. */
export function packageService(env: NodeJS.ProcessEnv): string {
  const packaged = mkdtempSync(join(tmpdir(), 'bench-package-'));
  execFileSync(
    process.execPath,
    [require.resolve('serverless/bin/serverless.js'), 'package', '--package', packaged],
    {
      cwd: ROOT,
      env: {
        ...env,
        OKTA_ISSUER: 'https://dev-123456.okta.com/oauth2/default',
        // routes.ts callers' client ids: the zips do not depend on them.
        CALLER_CLIENT_IDS:
          'reporting-job=0oabenchjob00000001,admin-tool=0oabenchadmin000001,browser-app=0oabenchapp00000001',
      },
      stdio: 'ignore',
    },
  );
  return packaged;
}

/** The Lambdas as serverless-esbuild bundles them (options read from serverless.yml), and their zips. */
export async function bundles(packaged: string): Promise<Bundle[]> {
  const out = mkdtempSync(join(tmpdir(), 'bench-bundles-'));
  const result: Bundle[] = [];
  for (const [name, entry] of [
    ['authorizer', 'authorizer/index.ts'],
    ['dpopAuthorizer', 'authorizer/request-authorizer.ts'],
    ['whoami', 'handlers/whoami.ts'],
  ] as const) {
    const file = join(out, `${name}.js`);
    await build({
      ...esbuildOptions([precompiledRoutes()]),
      entryPoints: [join(ROOT, entry)],
      outfile: file,
    });
    result.push({
      name,
      file,
      minifiedBytes: statSync(file).size,
      separateBytes: sum(filesBeside(file)),
      zipBytes: statSync(join(packaged, `${name}.zip`)).size,
    });
  }
  return result;
}

/**
 * The files plugins/esbuild.cjs puts beside a bundle and the bundle loads later, by what they hold:
 * `{ powertools: bytes, dynamodb: bytes }` for `request-authorizer.powertools.js` and so on.
 */
export function filesBeside(file: string): Record<string, number> {
  const name = basename(file, '.js');
  const files: Record<string, number> = {};
  for (const entry of readdirSync(dirname(file))) {
    const part = new RegExp(`^${name}\\.(\\w+)\\.js$`).exec(entry)?.[1];
    if (part) files[part] = statSync(join(dirname(file), entry)).size;
  }
  return files;
}

const sum = (files: Record<string, number>) => Object.values(files).reduce((a, b) => a + b, 0);

/**
 * Counts the JWKS requests a cold start makes before and during its first invocation: the
 * prefetch should make the only one, while the module loads.
 */
export async function firstInvocationFetches(
  file: string,
  env: NodeJS.ProcessEnv,
  requests: () => number,
  event: object,
): Promise<{ atInit: number; duringFirstInvocation: number; effect: string }> {
  const script = `
    const { handler } = require(${JSON.stringify(file)});
    process.stdout.write('loaded\\n');
    process.stdin.once('data', async () => {
      const result = await handler(${JSON.stringify(event)});
      process.stdout.write('effect ' + result.policyDocument.Statement[0].Effect + '\\n');
      process.exit(0);
    });`;
  const child = spawn(process.execPath, ['-e', script], {
    env: { ...env, POWERTOOLS_LOG_LEVEL: 'SILENT' },
  });
  let atInit = 0;
  let text = '';
  await new Promise<void>((done) => {
    child.stdout.on('data', async (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('loaded') && !text.includes('sent')) {
        text += 'sent';
        const deadline = Date.now() + 2000;
        while (requests() < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
        atInit = requests();
        child.stdin.write('go\n');
      }
    });
    child.once('exit', () => done());
  });
  return {
    atInit,
    duringFirstInvocation: requests() - atInit,
    effect: /effect (\w+)/.exec(text)?.[1] ?? 'none',
  };
}
