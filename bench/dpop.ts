/**
 * DPoP in `npm run bench`: our REQUEST authorizer (the bundle serverless deploys) against Auth0's
 * express-oauth2-jwt-bearer with `dpop: { enabled, required }`, the only kept resource-server
 * verifier of DPoP proofs; the same kind of token and proof for both, a replay store in memory for
 * both (Auth0's leaves `jti` replay to its user: the same Map-backed check is added to it). Its
 * cold start is measured with the other authorizers' (bench/first-answer.ts).
 */
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { auth } from 'express-oauth2-jwt-bearer';
import { MemoryReplayStore, type ReplayStore } from '../authorizer/replay-store';
import { proof, proofKey } from '../testkit/dpop';
import { oktaClaims, sign, type TestKey } from '../testkit/tokens';
import type { Bundle } from './cold-start';
import { compare, type Measurement, pairedRatio } from './measure';

const API_ID = 'abcdef1234';
const HOST = `${API_ID}.execute-api.us-east-1.amazonaws.com`;
const PATH = '/dev/api/messages';
const URL_ = `https://${HOST}${PATH}`;
const METHOD_ARN = `arn:aws:execute-api:us-east-1:123456789012:${API_ID}/dev/POST/api/messages`;
export const DPOP_TARGETS = { freshOverAuth0: 1.0, repeatedOverAuth0: 0.6 };

type Handler = (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;

export interface DpopReport {
  results: Measurement[];
  markdown: string;
  targets: [string, string, boolean][];
}

export async function benchDpop(
  key: TestKey,
  issuer: string,
  perContender: number,
  deployed: Bundle,
): Promise<DpopReport> {
  const client = await proofKey('ES256');
  console.error(`signing ${perContender * 3} bound tokens and ${perContender * 4} proofs...`);
  const tokens = (n: number) =>
    Promise.all(
      Array.from({ length: n }, () => sign(oktaClaims(issuer, { cnf: { jkt: client.jkt } }), key)),
    );
  const proofsFor = (accessTokens: string[]) =>
    Promise.all(
      accessTokens.map((at) => proof(client, { htm: 'POST', htu: URL_, accessToken: at })),
    );
  const [oursFresh, theirsFresh] = [await tokens(perContender), await tokens(perContender)];
  const repeated = (await tokens(1))[0] as string;
  const repeatedTokens = Array<string>(perContender).fill(repeated);
  const [oursFreshProofs, theirsFreshProofs, oursRepeatedProofs, theirsRepeatedProofs] = [
    await proofsFor(oursFresh),
    await proofsFor(theirsFresh),
    await proofsFor(repeatedTokens),
    await proofsFor(repeatedTokens),
  ];

  const env = {
    ...process.env,
    OKTA_ISSUER: issuer,
    DPOP_REPLAY_TABLE: 'bench',
    // Proofs are signed before the run: give them room (the default window is 60 s).
    DPOP_PROOF_MAX_AGE: '300',
    POWERTOOLS_LOG_LEVEL: 'INFO',
  };
  const oursOp = ourAuthorizer(deployed.file, env);
  const theirsOp = auth0Middleware(issuer, client.jkt);
  console.error('measuring DPoP...');
  const results = await compare([
    { name: 'ours, DPoP: fresh token, fresh proof', op: oursOp(oursFresh, oursFreshProofs) },
    {
      name: 'express-oauth2-jwt-bearer, DPoP: fresh token, fresh proof',
      op: theirsOp(theirsFresh, theirsFreshProofs),
    },
    {
      name: 'ours, DPoP: repeated token, fresh proof',
      op: oursOp(repeatedTokens, oursRepeatedProofs),
    },
    {
      name: 'express-oauth2-jwt-bearer, DPoP: repeated token, fresh proof',
      op: theirsOp(repeatedTokens, theirsRepeatedProofs),
    },
  ]);
  const [oursF, theirsF, oursR, theirsR] = results as [
    Measurement,
    Measurement,
    Measurement,
    Measurement,
  ];

  const us = (value: number) => value.toFixed(1);
  const fresh = pairedRatio(oursF, theirsF);
  const again = pairedRatio(oursR, theirsR);
  const targets: [string, string, boolean][] = [
    [
      `DPoP, fresh token and fresh proof ≤ ${DPOP_TARGETS.freshOverAuth0} × express-oauth2-jwt-bearer`,
      `${us(oursF.medianUs)} µs vs ${us(theirsF.medianUs)} µs: ${fresh.toFixed(2)} ×`,
      fresh <= DPOP_TARGETS.freshOverAuth0,
    ],
    [
      `DPoP, repeated token and fresh proof ≤ ${DPOP_TARGETS.repeatedOverAuth0} × express-oauth2-jwt-bearer`,
      `${us(oursR.medianUs)} µs vs ${us(theirsR.medianUs)} µs: ${again.toFixed(2)} ×`,
      again <= DPOP_TARGETS.repeatedOverAuth0,
    ],
  ];
  const markdown = dpopMarkdown(results, targets, deployed);
  return { results, markdown, targets };
}

type Operation = (accessTokens: string[], proofs: string[]) => (i: number) => Promise<void>;

/** Our DPoP authorizer as deployed, with a replay store in memory, called as Lambda calls it. */
function ourAuthorizer(file: string, env: NodeJS.ProcessEnv): Operation {
  Object.assign(process.env, env);
  delete require.cache[require.resolve(file)];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ours = require(file) as {
    handler: Handler;
    useReplayStore: (store: ReplayStore) => void;
  };
  ours.useReplayStore(new MemoryReplayStore());
  // As Lambda hands events over: parsed from JSON, a new one at every invocation.
  const event = (accessToken: string, dpop: string) =>
    JSON.parse(
      JSON.stringify({
        type: 'REQUEST',
        methodArn: METHOD_ARN,
        httpMethod: 'POST',
        path: '/api/messages',
        headers: { Host: HOST, Authorization: `DPoP ${accessToken}`, DPoP: dpop },
        multiValueHeaders: { Host: [HOST], Authorization: [`DPoP ${accessToken}`], DPoP: [dpop] },
        requestContext: { apiId: API_ID, domainName: HOST, path: PATH, stage: 'dev' },
      }),
    ) as APIGatewayRequestAuthorizerEvent;
  return (accessTokens, proofs) => async (i) => {
    const result = await ours.handler(event(accessTokens[i] as string, proofs[i] as string));
    if (result.policyDocument.Statement[0]?.Effect !== 'Allow') throw new Error('not allowed');
  };
}

/**
 * Auth0's express-oauth2-jwt-bearer with DPoP required, called as Express calls it, plus the scope
 * check and the in-memory `jti` replay check it leaves to its user.
 */
function auth0Middleware(issuer: string, jkt: string): Operation {
  const middleware = auth({
    issuer,
    jwksUri: `${issuer}/v1/keys`,
    audience: 'api://default',
    tokenSigningAlg: 'RS256',
    dpop: { enabled: true, required: true, iatOffset: 300 },
  });
  const replay = new MemoryReplayStore();
  return (accessTokens, proofs) => (i) =>
    new Promise<void>((resolve, reject) => {
      const headers: Record<string, string> = {
        host: HOST,
        authorization: `DPoP ${accessTokens[i]}`,
        dpop: proofs[i] as string,
      };
      const req = {
        headers,
        method: 'POST',
        protocol: 'https',
        originalUrl: PATH,
        url: PATH,
        query: {},
        get: (name: string) => headers[name.toLowerCase()],
        is: () => false,
      } as unknown as Parameters<typeof middleware>[0];
      void middleware(req, {} as Parameters<typeof middleware>[1], (error?: unknown) => {
        if (error) return reject(error as Error);
        const { payload } = (req as unknown as { auth: { payload: Record<string, unknown> } }).auth;
        // What ours checks besides: the route's scope, and the proof used once.
        if (!(payload.scp as string[]).includes('AccessAll')) return reject(new Error('scope'));
        const jti = JSON.parse(
          Buffer.from((proofs[i] as string).split('.')[1] as string, 'base64url').toString(),
        ).jti as string;
        const now = Date.now() / 1000;
        void replay
          .claim(`${jkt}:${jti}`, now + 300, now)
          .then((fresh) => (fresh ? resolve() : reject(new Error('replay'))));
      });
    });
}

function dpopMarkdown(
  results: Measurement[],
  targets: [string, string, boolean][],
  deployed: Bundle,
): string {
  const us = (value: number) => value.toFixed(1);
  const kb = (bytes = 0) => (bytes / 1024).toFixed(1);
  return `
## DPoP (RFC 9449): the REQUEST authorizer

Our REQUEST authorizer (the bundle serverless deploys, a replay store in memory) against Auth0's
express-oauth2-jwt-bearer 1.x with \`dpop: { enabled: true, required: true }\`, called as Express
calls it, plus the same scope check and the same in-memory \`jti\` replay check (which it leaves to
its user). Each call: a DPoP-bound RS256 token and an ES256 proof of \`POST ${PATH}\`. "Fresh token":
one never seen before; "repeated token": the same token with a new proof each time (our verified-token
cache skips its signature; every proof is still verified in full).

| operation | median µs | p99 µs | × express-oauth2-jwt-bearer (same token kind, paired rounds) |
| --- | ---: | ---: | ---: |
${results.map((r) => `| ${r.name} | ${us(r.medianUs)} | ${us(r.p99Us)} | ${pairedRatio(r, results.find((o) => o.name.startsWith('express') && o.name.includes(r.name.includes('fresh token') ? 'fresh token' : 'repeated token')) as Measurement).toFixed(2)}x |`).join('\n')}

| target | measured | met |
| --- | --- | --- |
${targets.map(([what, measured, met]) => `| ${what} | ${measured} | ${met ? 'yes' : '**no**'} |`).join('\n')}

The DPoP authorizer as deployed: a ${kb(deployed.minifiedBytes)} KB bundle with no AWS SDK (its DynamoDB
client is authorizer/dynamodb.ts: aws4 signs, node:https sends), and Powertools beside it
(${kb(deployed.separateBytes)} KB, loaded at the first log line); its cold start, replay write included, is in
"Cold start to the first answer", below.
`;
}
