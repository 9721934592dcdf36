import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import type { RouteTableInput } from '../route-table/compile';
import { ROOT, readServerlessYml } from '../settings/project.cjs';

// The same esbuild plugins serverless-esbuild loads (serverless.yml: custom.esbuild.plugins).
const { precompiledRoutes, lambdaCredentials, separateFiles } =
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('../plugins/esbuild.cjs') as {
    precompiledRoutes: (routes?: RouteTableInput) => Plugin;
    lambdaCredentials: () => Plugin;
    separateFiles: () => Plugin;
  };

export interface Bundle {
  name: string;
  file: string;
  minifiedBytes: number;
  /** The files beside it that it loads on first use (Powertools, at its first log line). */
  separateBytes: number;
  zipBytes: number;
  loadMedianMs: number;
  loadSamplesMs: number[];
  /** require() plus the work it schedules for the next turn (the authorizer's JWKS prefetch set-up). */
  initMedianMs: number;
}

/** serverless-esbuild's options from serverless.yml, as it passes them to esbuild. */
function esbuildOptions(plugins: Plugin[]) {
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
    plugins: [...plugins, lambdaCredentials(), separateFiles()],
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

/** The Lambdas as serverless-esbuild bundles them (options read from serverless.yml), and their zips. */
export async function bundles(env: NodeJS.ProcessEnv, loadRuns = 15): Promise<Bundle[]> {
  const out = mkdtempSync(join(tmpdir(), 'bench-bundles-'));
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
  const result: Bundle[] = [];
  for (const [name, entry] of [
    ['authorizer', 'authorizer/index.ts'],
    ['whoami', 'handlers/whoami.ts'],
  ] as const) {
    const file = join(out, `${name}.js`);
    await build({
      ...esbuildOptions([precompiledRoutes()]),
      entryPoints: [join(ROOT, entry)],
      outfile: file,
    });
    const samples: number[] = [];
    const inits: number[] = [];
    for (let i = 0; i < loadRuns; i += 1) {
      const [load, init] = await loadTime(file, env);
      samples.push(load);
      inits.push(init);
    }
    samples.sort((a, b) => a - b);
    inits.sort((a, b) => a - b);
    result.push({
      name,
      file,
      minifiedBytes: statSync(file).size,
      separateBytes: sum(filesBeside(file)),
      zipBytes: statSync(join(packaged, `${name}.zip`)).size,
      loadMedianMs: samples[Math.floor(samples.length / 2)] as number,
      loadSamplesMs: samples,
      initMedianMs: inits[Math.floor(inits.length / 2)] as number,
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
 * Node.js's own modules that any verifier of Okta tokens loads at a cold start (node:crypto for the
 * signature, node:https for the JWKS) in a fresh process, after the runtime's: the part of a
 * bundle's load that is Node's, not the bundle's. Median of `runs`.
 */
export async function nodeModulesLoad(env: NodeJS.ProcessEnv, runs = 15): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) samples.push((await loadTime('--node-modules', env))[0]);
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] as number;
}

/** A fresh Node process loads the bundle as the Lambda runtime does at a cold start (cold-load.mjs). */
async function loadTime(file: string, env: NodeJS.ProcessEnv): Promise<[number, number]> {
  const [load, init] = (
    await output(spawn(process.execPath, [join(__dirname, 'cold-load.mjs'), file], { env }))
  )
    .split(' ')
    .map(Number);
  return [load as number, init as number];
}

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

function output(child: ReturnType<typeof spawn>): Promise<string> {
  return new Promise((resolveOutput, reject) => {
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.once('error', reject);
    child.once('exit', () => resolveOutput(text.trim()));
  });
}

/**
 * The DPoP (REQUEST) authorizer's bundle as serverless-esbuild builds it (the AWS SDK bundled, its
 * credential chain cut to the environment) or, to compare, with the AWS SDK left to the Lambda
 * runtime's copy; and its cold load, the SDK's loading included either way (on Lambda the
 * runtime's copy is on disk, as node_modules is here).
 */
export async function dpopAuthorizerBundle(
  env: NodeJS.ProcessEnv,
  { runtimeSdk = false, loadRuns = 15 } = {},
): Promise<{
  file: string;
  minifiedBytes: number;
  beside: Record<string, number>;
  loadMedianMs: number;
  initMedianMs: number;
}> {
  // Inside node_modules: an external SDK resolves from there, as from the runtime's on Lambda.
  const cache = join(ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const out = mkdtempSync(join(cache, 'bench-dpop-'));
  const file = join(out, 'request-authorizer.js');
  const options = esbuildOptions([precompiledRoutes()]);
  await build({
    ...options,
    entryPoints: [join(ROOT, 'authorizer/request-authorizer.ts')],
    outfile: file,
    ...(runtimeSdk ? { external: ['@aws-sdk/*'], mainFields: ['main', 'module'] } : {}),
  });
  const samples: number[] = [];
  const inits: number[] = [];
  for (let i = 0; i < loadRuns; i += 1) {
    const [load, init] = await loadTime(file, env);
    samples.push(load);
    inits.push(init);
  }
  samples.sort((a, b) => a - b);
  inits.sort((a, b) => a - b);
  return {
    file,
    minifiedBytes: statSync(file).size,
    beside: filesBeside(file),
    loadMedianMs: samples[Math.floor(samples.length / 2)] as number,
    initMedianMs: inits[Math.floor(inits.length / 2)] as number,
  };
}
