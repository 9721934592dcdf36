/**
 * Cold starts in `npm run bench`, to the first answer: each authorizer from the zip `serverless
 * package` makes, started as Lambda's Node.js runtime starts a handler (bench/first-answer.mjs) in
 * a fresh process, from its import() to its answer to one valid request. Keys come from an https
 * issuer on loopback; the DPoP authorizer's replay write goes to a DynamoDB stand-in (dynalite) on
 * loopback. Paired with the least a user could deploy (bench/bare-authorizer.ts, built with the same
 * esbuild settings): each round starts all three, in a new order, and the ratio is taken within
 * the round; the figures are medians over the rounds.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import JSZip from 'jszip';
import { DynamoDb } from '../authorizer/dynamodb';
import { DynamoReplayStore } from '../authorizer/replay-store';
import { startReplayTable } from '../local/replay-table';
import { proof, proofKey } from '../testkit/dpop';
import { startJwksServer } from '../testkit/jwks-server';
import { oktaClaims, sign, type TestKey } from '../testkit/tokens';
import { esbuildOptions } from './cold-start';

export const COLD_START_TARGETS = { bearerOverBare: 1.15, dpopOverBare: 1.5 };

const API_ID = 'abcdef1234';
const HOST = `${API_ID}.execute-api.us-east-1.amazonaws.com`;
const STAGE_ARN = `arn:aws:execute-api:us-east-1:123456789012:${API_ID}/prod`;

export interface ColdStarts {
  rounds: number;
  /** Milliseconds to the first answer, median over the rounds. */
  medianMs: { bare: number; bearer: number; dpop: number };
  /** Ours over the bare authorizer, median of the rounds' ratios. */
  ratio: { bearer: number; dpop: number };
  /** Every round's times, in ms. */
  samples: { bare: number[]; bearer: number[]; dpop: number[] };
}

type Name = 'bare' | 'bearer' | 'dpop';

/**
 * `packaged`: the folder `serverless package --package` wrote (authorizer.zip, dpopAuthorizer.zip
 * and the template, whose functions' environment the processes get).
 */
export async function coldStarts(packaged: string, key: TestKey, rounds = 15): Promise<ColdStarts> {
  const work = mkdtempSync(join(tmpdir(), 'bench-first-answer-'));
  const jwks = await startJwksServer([key.publicJwk], { tls: true });
  const table = await startReplayTable('bench-cold-start');
  // DynamoDB is warm when a container starts: so is its stand-in, before the first round.
  const warmUp = new DynamoReplayStore(
    table.table,
    new DynamoDb({
      endpoint: new URL(table.endpoint),
      region: 'us-east-1',
      credentials: () => ({ accessKeyId: 'local', secretAccessKey: 'local' }),
    }),
  );
  for (let i = 0; i < 20; i += 1)
    await warmUp.claim(`warm-up:${i}`, Date.now() / 1000 + 60, Date.now() / 1000);
  try {
    const caFile = join(work, 'ca.pem');
    writeFileSync(caFile, jwks.ca as string);
    const handlers: Record<Name, string> = {
      bare: await buildBare(join(work, 'bare')),
      bearer: await unzipHandler(
        join(packaged, 'authorizer.zip'),
        join(work, 'bearer'),
        'authorizer/index.js',
      ),
      dpop: await unzipHandler(
        join(packaged, 'dpopAuthorizer.zip'),
        join(work, 'dpop'),
        'authorizer/request-authorizer.js',
      ),
    };
    const template = JSON.parse(
      readFileSync(join(packaged, 'cloudformation-template-update-stack.json'), 'utf8'),
    ) as {
      Resources: Record<
        string,
        { Properties: { Environment?: { Variables: Record<string, unknown> } } }
      >;
    };
    const lambdaEnv = (resource: string) =>
      Object.fromEntries(
        Object.entries(
          template.Resources[resource]?.Properties.Environment?.Variables ?? {},
        ).filter(([, value]) => typeof value === 'string'),
      ) as Record<string, string>;
    // As Lambda starts a function: its environment from the template, the runtime's own settings,
    // and loopback for the issuer (trusted through NODE_EXTRA_CA_CERTS) and DynamoDB.
    const base = {
      PATH: process.env.PATH,
      NODE_EXTRA_CA_CERTS: caFile,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_SESSION_TOKEN: 'session',
      OKTA_ISSUER: jwks.issuer,
    };
    const envs: Record<Name, NodeJS.ProcessEnv> = {
      bare: { ...base },
      bearer: { ...lambdaEnv('AuthorizerLambdaFunction'), ...base },
      dpop: {
        ...lambdaEnv('DpopAuthorizerLambdaFunction'),
        ...base,
        DPOP_REPLAY_TABLE: table.table,
        AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
      },
    };
    const bearerToken = await sign(oktaClaims(jwks.issuer), key);
    const tokenEvent = {
      type: 'TOKEN',
      authorizationToken: `Bearer ${bearerToken}`,
      methodArn: `${STAGE_ARN}/GET/api/whoami`,
    };
    const client = await proofKey('ES256');
    const boundToken = await sign(oktaClaims(jwks.issuer, { cnf: { jkt: client.jkt } }), key);
    const eventFile = (name: string, event: object) => {
      const file = join(work, `${name}.json`);
      writeFileSync(file, JSON.stringify(event));
      return file;
    };
    const tokenEventFile = eventFile('token', tokenEvent);

    const samples: ColdStarts['samples'] = { bare: [], bearer: [], dpop: [] };
    const order: Name[] = ['bare', 'bearer', 'dpop'];
    for (let round = 0; round < rounds; round += 1) {
      // A fresh proof each round: each is single-use, and its age is checked.
      const dpopEventFile = eventFile('request', await dpopEvent(client, boundToken));
      for (const name of rotate(order, round)) {
        const event = name === 'dpop' ? dpopEventFile : tokenEventFile;
        samples[name].push(await firstAnswer(handlers[name], event, envs[name], name));
      }
    }
    const median = (values: number[]) =>
      [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
    const ratios = (name: 'bearer' | 'dpop') =>
      median(samples[name].map((ms, i) => ms / (samples.bare[i] as number)));
    return {
      rounds,
      medianMs: {
        bare: median(samples.bare),
        bearer: median(samples.bearer),
        dpop: median(samples.dpop),
      },
      ratio: { bearer: ratios('bearer'), dpop: ratios('dpop') },
      samples,
    };
  } finally {
    await jwks.close();
    await table.close();
    rmSync(work, { recursive: true, force: true });
  }
}

/** Each round starts the three in another order, so none always goes first. */
function rotate<T>(items: T[], by: number): T[] {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/** A REQUEST event for POST /api/messages, with a fresh proof for the bound token. */
async function dpopEvent(client: Awaited<ReturnType<typeof proofKey>>, token: string) {
  const path = '/prod/api/messages';
  const dpop = await proof(client, {
    htm: 'POST',
    htu: `https://${HOST}${path}`,
    accessToken: token,
  });
  return {
    type: 'REQUEST',
    methodArn: `${STAGE_ARN}/POST/api/messages`,
    httpMethod: 'POST',
    path: '/api/messages',
    headers: { Host: HOST, Authorization: `DPoP ${token}`, DPoP: dpop },
    multiValueHeaders: { Host: [HOST], Authorization: [`DPoP ${token}`], DPoP: [dpop] },
    requestContext: { apiId: API_ID, domainName: HOST, path, stage: 'prod' },
  };
}

/** The bare aws-jwt-verify authorizer, bundled as serverless-esbuild bundles ours. */
async function buildBare(dir: string): Promise<string> {
  const file = join(dir, 'bare-authorizer.js');
  await build({
    ...esbuildOptions([]),
    entryPoints: [join(__dirname, 'bare-authorizer.ts')],
    outfile: file,
  });
  return file;
}

/** The zip's files, as Lambda unpacks them into /var/task: the handler's path. */
async function unzipHandler(zipFile: string, dir: string, handler: string): Promise<string> {
  const zip = await JSZip.loadAsync(readFileSync(zipFile));
  for (const [name, entry] of Object.entries(zip.files)) {
    if (entry.dir) continue;
    const target = join(dir, name);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, await entry.async('nodebuffer'));
  }
  return join(dir, handler);
}

/** One fresh process: its milliseconds from import() to the first answer, which must be an Allow. */
function firstAnswer(
  handler: string,
  eventFile: string,
  env: NodeJS.ProcessEnv,
  name: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(__dirname, 'first-answer.mjs'), handler, eventFile],
      { env },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', () => {
      const [ms, ...effect] = output.trim().split('\n').at(-1)?.split(' ') ?? [];
      if (effect.join(' ') !== 'Allow') {
        reject(new Error(`${name}: the first answer was not an Allow:\n${output}`));
      } else {
        resolve(Number(ms));
      }
    });
  });
}

export function coldStartMarkdown(cold: ColdStarts, targets: [string, string, boolean][]): string {
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  return `
## Cold start to the first answer

Each authorizer from the zip \`serverless package\` makes, started in a fresh Node.js ${process.versions.node.split('.')[0]} process as
Lambda's runtime starts a handler (bench/first-answer.mjs: node:http, node:fs and node:path loaded,
then \`import()\` of the handler file), timed from that import to its answer to one valid request:
the JWKS from an https issuer on loopback, and for the DPoP authorizer a bound token with a fresh
proof, whose \`jti\` it writes to a DynamoDB stand-in on loopback (dynalite) before it answers. The
contender is the least a user could deploy: aws-jwt-verify's \`JwtVerifier.create\` with its keys
prefetched at load and an Allow on the method (bench/bare-authorizer.ts), built with the same
esbuild settings. ${cold.rounds} rounds; each starts the three in a new order, and each ratio is the median of
the rounds' ratios (absolute times move with the machine; the ratio within a round does not).

| authorizer | cold start to the first Allow (median) | × the bare authorizer |
| --- | ---: | ---: |
| bare aws-jwt-verify TOKEN authorizer | ${ms(cold.medianMs.bare)} | 1 |
| ours, Bearer (TOKEN) | ${ms(cold.medianMs.bearer)} | ${cold.ratio.bearer.toFixed(2)}x |
| ours, DPoP (REQUEST), its replay write done | ${ms(cold.medianMs.dpop)} | ${cold.ratio.dpop.toFixed(2)}x |

| target | measured | met |
| --- | --- | --- |
${targets.map(([what, measured, met]) => `| ${what} | ${measured} | ${met ? 'yes' : '**no**'} |`).join('\n')}

The DPoP authorizer calls DynamoDB without the AWS SDK (authorizer/dynamodb.ts: SigV4 with aws4,
node:https with a keep-alive agent); bundled and minified, the SDK's DynamoDB client alone took
about 100 ms to load here, on every cold start of a function API Gateway calls on every request.
`;
}

export function coldStartTargets(cold: ColdStarts): [string, string, boolean][] {
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  return [
    [
      `Bearer authorizer, cold start to the first Allow ≤ ${COLD_START_TARGETS.bearerOverBare} × a bare aws-jwt-verify authorizer`,
      `${ms(cold.medianMs.bearer)} vs ${ms(cold.medianMs.bare)}: ${cold.ratio.bearer.toFixed(2)} × (median of ${cold.rounds} paired rounds)`,
      cold.ratio.bearer <= COLD_START_TARGETS.bearerOverBare,
    ],
    [
      `DPoP authorizer, cold start to the first Allow with its replay write ≤ ${COLD_START_TARGETS.dpopOverBare} × a bare aws-jwt-verify authorizer`,
      `${ms(cold.medianMs.dpop)} vs ${ms(cold.medianMs.bare)}: ${cold.ratio.dpop.toFixed(2)} × (median of ${cold.rounds} paired rounds)`,
      cold.ratio.dpop <= COLD_START_TARGETS.dpopOverBare,
    ],
  ];
}
