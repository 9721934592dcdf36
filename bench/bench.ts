/**
 * `npm run bench`: the authorizer against what a user would pick instead, in one process with the
 * same RS256 (RSA-2048) tokens and JWKS for all; then bundle sizes and cold-start load times.
 * Prints the table and writes BENCHMARKS.md and bench/chart.svg.
 */
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { startJwksServer } from '../test/fixtures/jwks-server';
import { ROOT } from '../test/fixtures/processes';
import { oktaClaims, rsaKey, sign } from '../test/fixtures/tokens';
import { barChart } from './chart';
import { bundles, firstInvocationFetches } from './cold-start';
import {
  awsJwtVerifySync,
  floor,
  joseJwtVerify,
  jsonwebtokenVerify,
  oktaJwtVerifier,
} from './contenders';
import { callsPerContender, compare, type Measurement } from './measure';

const METHOD_ARN = 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/GET/api/whoami';
/** What a deployed stage logs by default (serverless.yml: LOG_LEVEL, default INFO). */
const DEPLOYED_LOG_LEVEL = 'INFO';
const TARGETS = { freeOverVerifySync: 1.15, repeatedOverFloor: 0.1, bundleKb: 50, loadMs: 20 };

type Handler = (event: APIGatewayTokenAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;

async function main(): Promise<void> {
  const key = await rsaKey();
  const jwks = await startJwksServer([key.publicJwk]);
  const checks = {
    issuer: jwks.issuer,
    audience: 'api://default',
    scope: 'AccessAll',
    jwk: key.publicJwk,
  };
  const perContender = callsPerContender();
  console.error(`signing ${perContender * 4} tokens...`);
  const signed = () =>
    Promise.all(Array.from({ length: perContender }, () => sign(oktaClaims(jwks.issuer), key)));
  // As Lambda hands them over: parsed from JSON, so flat strings, a new one at every invocation.
  const events = (tokens: string[]) =>
    JSON.parse(
      JSON.stringify(
        tokens.map((token) => ({
          type: 'TOKEN',
          authorizationToken: `Bearer ${token}`,
          methodArn: METHOD_ARN,
        })),
      ),
    ) as APIGatewayTokenAuthorizerEvent[];
  const tokens = JSON.parse(JSON.stringify(await signed())) as string[];
  const same = tokens[0] as string;
  // Never seen by the handler before its "fresh token" run, so its cache cannot help it there.
  const freshEvents = events(await signed());
  const sameEvents = events(Array(perContender).fill(same));
  const freshForDebug = events(await signed());
  const sameForDebug = events(Array(perContender).fill(same));

  console.error('bundling, packaging, timing cold loads...');
  const built = await bundles({ ...process.env, OKTA_ISSUER: jwks.issuer });
  const authorizerBundle = built.find((b) => b.name === 'authorizer')!;
  const atInfo = loadHandler(authorizerBundle.file, jwks.issuer, DEPLOYED_LOG_LEVEL);
  const atDebug = loadHandler(authorizerBundle.file, jwks.issuer, 'DEBUG');
  const verifySync = awsJwtVerifySync(checks);
  const jose = joseJwtVerify(checks);
  const jsonwebtoken = jsonwebtokenVerify(checks);
  const okta = oktaJwtVerifier(checks);

  console.error('measuring...');
  const logs = silenceStdout();
  const [results, logging] = [
    await compare([
      { name: 'floor: crypto.verify (RS256, prepared key)', op: floor(same, key.publicJwk) },
      { name: 'aws-jwt-verify verifySync', op: (i) => verifySync(tokens[i] as string) },
      { name: 'jose jwtVerify (local JWKS)', op: (i) => jose(tokens[i] as string) },
      { name: 'jsonwebtoken verify', op: (i) => jsonwebtoken(tokens[i] as string) },
      { name: '@okta/jwt-verifier verifyAccessToken', op: (i) => okta(tokens[i] as string) },
      {
        name: 'our authorizer handler, fresh token',
        op: (i) => atInfo(freshEvents[i]!),
      },
      { name: 'our authorizer handler, same token', op: (i) => atInfo(sameEvents[i]!) },
    ]),
    await compare([
      {
        name: 'handler at DEBUG (allows logged), fresh token',
        op: (i) => atDebug(freshForDebug[i]!),
      },
      {
        name: 'handler at DEBUG (allows logged), same token',
        op: (i) => atDebug(sameForDebug[i]!),
      },
    ]),
  ];
  logs.restore();

  const before = jwks.requests;
  const firstInvocation = await firstInvocationFetches(
    authorizerBundle.file,
    { ...process.env, OKTA_ISSUER: jwks.issuer },
    () => jwks.requests - before,
    sameEvents[0]!,
  );
  await jwks.close();

  const report = render(results, logging, built, firstInvocation);
  console.log(report.table);
  writeFileSync(join(ROOT, 'BENCHMARKS.md'), report.markdown);
  writeFileSync(
    join(ROOT, 'bench/chart.svg'),
    barChart('RS256 access token verification, µs per operation', results, (name) =>
      name.startsWith('our'),
    ),
  );
  console.log(
    `\nWrote BENCHMARKS.md and bench/chart.svg. ${report.allMet ? 'Every target met.' : 'A TARGET WAS MISSED.'}`,
  );
  process.exitCode = report.allMet ? 0 : 1;
}

/** The deployed bundle, loaded afresh as a cold start with this log level loads it. */
function loadHandler(bundle: string, issuer: string, logLevel: string): Handler {
  Object.assign(process.env, { OKTA_ISSUER: issuer, POWERTOOLS_LOG_LEVEL: logLevel });
  delete require.cache[require.resolve(bundle)];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(bundle) as { handler: Handler }).handler;
}

/** Log lines go to /dev/null, a real write as on Lambda, but not onto the report. */
function silenceStdout(): { restore: () => void } {
  const sink = openSync('/dev/null', 'w');
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    if (typeof chunk === 'string') writeSync(sink, chunk);
    else writeSync(sink, chunk);
    return true;
  }) as typeof process.stdout.write;
  return {
    restore: () => {
      process.stdout.write = write;
      closeSync(sink);
    },
  };
}

function render(
  results: Measurement[],
  logging: Measurement[],
  built: Awaited<ReturnType<typeof bundles>>,
  firstInvocation: Awaited<ReturnType<typeof firstInvocationFetches>>,
) {
  const byName = (prefix: string) => results.find((r) => r.name.startsWith(prefix))!;
  const floorUs = byName('floor').medianUs;
  const verifySyncUs = byName('aws-jwt-verify').medianUs;
  const fresh = byName('our authorizer handler, fresh');
  const repeated = byName('our authorizer handler, same');
  const authorizer = built.find((b) => b.name === 'authorizer')!;
  const us = (n: number) => n.toFixed(1);
  const kb = (bytes: number) => (bytes / 1024).toFixed(1);

  const rows = results.map(
    (r) =>
      `| ${r.name} | ${us(r.medianUs)} | ${us(r.p99Us)} | ${(r.medianUs / floorUs).toFixed(2)}x |`,
  );
  const targets = [
    [
      `Fresh token through the whole handler ≤ ${TARGETS.freeOverVerifySync} × aws-jwt-verify verifySync`,
      `${us(fresh.medianUs)} µs = ${(fresh.medianUs / verifySyncUs).toFixed(2)} × ${us(verifySyncUs)} µs`,
      fresh.medianUs <= TARGETS.freeOverVerifySync * verifySyncUs,
    ],
    [
      `Repeated token ≤ ${TARGETS.repeatedOverFloor} × the floor`,
      `${us(repeated.medianUs)} µs = ${(repeated.medianUs / floorUs).toFixed(3)} × ${us(floorUs)} µs`,
      repeated.medianUs <= TARGETS.repeatedOverFloor * floorUs,
    ],
    [
      `Authorizer bundle ≤ ${TARGETS.bundleKb} KB minified`,
      `${kb(authorizer.minifiedBytes)} KB (zip ${kb(authorizer.zipBytes)} KB)`,
      authorizer.minifiedBytes <= TARGETS.bundleKb * 1024,
    ],
    [
      `Authorizer bundle loads in ≤ ${TARGETS.loadMs} ms`,
      `${authorizer.loadMedianMs.toFixed(1)} ms (median of ${authorizer.loadSamplesMs.length} cold loads)`,
      authorizer.loadMedianMs <= TARGETS.loadMs,
    ],
    [
      'First request after a cold start makes no JWKS request',
      `${firstInvocation.atInit} at init (prefetch), ${firstInvocation.duringFirstInvocation} during the first request (${firstInvocation.effect})`,
      firstInvocation.atInit === 1 && firstInvocation.duringFirstInvocation === 0,
    ],
  ] as const;
  const allMet = targets.every(([, , met]) => met);

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const machine = `${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${process.platform} ${process.arch}, Node.js ${process.version}`;
  const table = [
    '| operation | median µs | p99 µs | × floor |',
    '| --- | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
  const markdown = `# Benchmarks

Generated by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}, on ${machine}.
Absolute numbers depend on the machine; the ratios are what the targets are about.

![RS256 access token verification, µs per operation](bench/chart.svg)

## Verifying one RS256 access token

One process, one RSA-2048 key and JWKS, ${results[0]!.samples} timed calls per row (interleaved rounds
after a warm-up). Every contender checks the signature, expiry, issuer, audience and that \`scp\`
includes \`AccessAll\`. Each "fresh token" call gets a token it has never seen; "same token" repeats one.
Our handler is the bundle \`serverless package\` deploys, called as Lambda calls it (event in, policy
out, a new event parsed from JSON each time), logging at ${DEPLOYED_LOG_LEVEL}, the level a deployed stage uses
by default; its log lines go to /dev/null.

${table}

## Targets

| target | measured | met |
| --- | --- | --- |
${targets.map(([what, measured, met]) => `| ${what} | ${measured} | ${met ? 'yes' : '**no**'} |`).join('\n')}

## What logging costs

At ${DEPLOYED_LOG_LEVEL} (the deployed default) refusals are logged, one line each, and allows are not.
At DEBUG every decision is logged; what that adds per allowed request:

| operation | median µs | p99 µs | added to the ${DEPLOYED_LOG_LEVEL} median |
| --- | ---: | ---: | ---: |
${logging
  .map((m) => {
    const base = m.name.includes('fresh') ? fresh : repeated;
    return `| ${m.name} | ${us(m.medianUs)} | ${us(m.p99Us)} | +${us(m.medianUs - base.medianUs)} µs |`;
  })
  .join('\n')}

## Cold start

Bundles built as serverless-esbuild builds them for \`serverless package\` (options from serverless.yml);
zip sizes from \`serverless package\`. Load is \`require()\` of the bundle in a fresh Node.js process, median
of ${authorizer.loadSamplesMs.length}; init adds what the module schedules for the next turn of the event loop: the authorizer
issues its JWKS prefetch there, still within Lambda's init (while the runtime waits for the first event)
but not inside module evaluation.

| Lambda | minified | zip | load (median) | init, prefetch issued (median) |
| --- | ---: | ---: | ---: | ---: |
${built.map((b) => `| ${b.name} | ${kb(b.minifiedBytes)} KB | ${kb(b.zipBytes)} KB | ${b.loadMedianMs.toFixed(1)} ms | ${b.initMedianMs.toFixed(1)} ms |`).join('\n')}

Most of the load is Node.js's own modules that aws-jwt-verify and the prefetch need (crypto, https, tls,
stream). The Powertools Logger is built on first use: a cold start answering allowed requests at INFO
never builds it. JWKS requests: ${firstInvocation.atInit} during init (the prefetch), ${firstInvocation.duringFirstInvocation} during the first invocation.

## The verified-token cache

A warm container remembers up to 1,000 verified tokens (authorizer/token-cache.ts). An entry matches
only the very same token, compared whole; it is found by a hash of the signature's last 43 characters.
A token is admitted on its second verification, so tokens seen once cost nothing to keep and cannot
push out the ones in use; past the bound the least recently used goes. A hit skips the signature
check only: expiry and the route's scopes are checked on every request, failures are never stored,
and the cache is emptied whenever the JWKS is fetched again. Memory: about 1.5 KB per Okta-sized
token, so about 1.5 MB when full, plus 4,000 small integers; the 8 KB header limit bounds the worst
case near 9 MB.
`;
  return {
    table: `\n${table}\n\n${targets.map(([w, m, met]) => `${met ? 'met   ' : 'MISSED'}  ${w}: ${m}`).join('\n')}`,
    markdown,
    allMet,
  };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
