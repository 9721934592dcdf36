import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK } from 'jose';
import * as oidc from 'openid-client';
import { freePort } from '../../local/ports';
import { proof, proofKey } from '../../testkit/dpop';
import { decodePayload } from '../../testkit/tokens';
import { isolatedEnv, type Running, runTsx } from '../../testkit/processes';
import { startLocalStack } from '../../testkit/local-stack';

// DPoP end to end through `npm start`: tokens bound by the local issuer as Okta binds them, the
// REQUEST authorizer on POST /api/messages, the replay table in dynalite. The client is
// openid-client's DPoP support, independent of ours; then the token and proof commands docs/local-development.md uses.
let stack: Running;
let env: NodeJS.ProcessEnv;
let api: string;
let config: oidc.Configuration;
let issuer: string;
let client: { id: string; secret: string };
const sent: string[] = [];

beforeAll(async () => {
  env = isolatedEnv({ API_PORT: String(await freePort()) });
  stack = await startLocalStack(env);
  api = `http://localhost:${env.API_PORT}`;
  issuer = /Issuer {6}(\S+)/.exec(stack.output())?.[1] as string;
  client = {
    id: /Client ID {3}(\S+)/.exec(stack.output())?.[1] as string,
    secret: /Secret {6}(\S+)/.exec(stack.output())?.[1] as string,
  };
  config = await oidc.discovery(new URL(issuer), client.id, client.secret, undefined, {
    execute: [oidc.allowInsecureRequests],
  });
  // Every DPoP header openid-client sends, so a test can replay one.
  config[oidc.customFetch] = (url, init) => {
    const dpop = new Headers(init.headers as HeadersInit).get('dpop');
    if (dpop) sent.push(dpop);
    return fetch(url, init as RequestInit);
  };
}, 150_000);
afterAll(async () => {
  await stack?.stop();
});

/** A DPoP handle whose proofs a test can read back (to replay one). */
async function dpopClient(scope = 'AccessAll') {
  const keyPair = await oidc.randomDPoPKeyPair('ES256', { extractable: true });
  const handle = oidc.getDPoPHandle(config, keyPair);
  const token = await oidc.clientCredentialsGrant(config, { scope }, { DPoP: handle });
  const proofs: string[] = [];
  const post = async (body: unknown) => {
    const response = await oidc
      .fetchProtectedResource(
        config,
        token.access_token,
        new URL(`${api}/api/messages`),
        'POST',
        JSON.stringify(body),
        new Headers({ 'content-type': 'application/json' }),
        { DPoP: handle },
      )
      // A 401 or 403 comes as an error with the challenge; the test looks at the response.
      .catch((error: unknown) => {
        if (error instanceof oidc.WWWAuthenticateChallengeError) return error.response;
        throw error;
      });
    proofs.push(sent.at(-1) as string);
    return response;
  };
  const jkt = await calculateJwkThumbprint(await exportJWK(keyPair.publicKey));
  return { token, post, proofs, jkt };
}

it('the issuer binds a token requested with a proof (cnf.jkt), as Okta does', async () => {
  const { token, jkt } = await dpopClient();
  expect(token.token_type).toBe('dpop');
  expect(decodePayload(token.access_token)).toMatchObject({ cnf: { jkt }, scp: ['AccessAll'] });
});

it('a bound token with a proof posts a message: 201, with the key it is bound to', async () => {
  const { post, jkt } = await dpopClient();
  const response = await post({ text: 'hello' });
  expect(response.status).toBe(201);
  expect(await response.json()).toEqual({ text: 'hello', sub: client.id, jkt });
});

it('the same proof replayed is refused, as are the token as Bearer and a ReadOnly bound token', async () => {
  const { token, post, proofs } = await dpopClient();
  expect((await post({ text: 'once' })).status).toBe(201);
  const replayed = await fetch(`${api}/api/messages`, {
    method: 'POST',
    headers: {
      authorization: `DPoP ${token.access_token}`,
      dpop: proofs.at(-1) as string,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ text: 'twice' }),
  });
  expect(replayed.status).toBe(401);
  expect(replayed.headers.get('www-authenticate')).toContain('DPoP algs="RS256 ES256"');
  for (const [method, path] of [
    ['POST', '/api/messages'],
    ['GET', '/api/whoami'],
    ['GET', '/api/messages'],
  ]) {
    const asBearer = await fetch(`${api}${path}`, {
      method,
      headers: { authorization: `Bearer ${token.access_token}` },
    });
    expect({ path, status: asBearer.status }).toEqual({ path, status: 401 });
  }
  const readOnly = await dpopClient('ReadOnly');
  expect((await readOnly.post({ text: 'no' })).status).toBe(403);
});

it('a bad body gets 400 with a clear error', async () => {
  const { post } = await dpopClient();
  const response = await post({ text: '' });
  expect(response.status).toBe(400);
  expect(await response.json()).toEqual({
    error: 'invalid_request',
    message: expect.stringMatching(/^text is blank/),
  });
});

it("the DPoP-required client is refused a token without a proof, in Okta's words", async () => {
  const response = await fetch(`${issuer}/v1/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${client.id}-dpop:${client.secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials&scope=AccessAll',
  });
  expect(response.status).toBe(400);
  expect(await response.json()).toEqual({
    error: 'invalid_dpop_proof',
    error_description: 'The DPoP proof JWT header is missing.',
  });
  // The first request with a proof and no nonce: Okta's use_dpop_nonce, with the nonce to use.
  const first = await fetch(`${issuer}/v1/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
      dpop: await proof(await proofKey(), { htm: 'POST', htu: `${issuer}/v1/token` }),
    },
    body: 'grant_type=client_credentials&scope=AccessAll',
  });
  expect(first.status).toBe(400);
  expect(first.headers.get('dpop-nonce')).toBeTruthy();
  expect(await first.json()).toEqual({
    error: 'use_dpop_nonce',
    error_description: 'Authorization server requires nonce in DPoP proof.',
  });
});

it('the DPoP walk-through: token --dpop, proof, a replayed proof and the token as Bearer', async () => {
  const url = `${api}/api/messages`;
  const run = async (script: string, args: string[]) => {
    const result = await runTsx(script, args, env);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    return result.stdout.trim();
  };
  const bound = await run('local/token.ts', ['--dpop']);
  const signed = await run('local/proof.ts', ['POST', url]);
  const send = (authorization: string, dpop?: string) =>
    fetch(url, {
      method: 'POST',
      headers: {
        authorization,
        ...(dpop && { dpop }),
        'content-type': 'application/json',
      },
      body: '{"text":"hello"}',
    });
  expect((await send(`DPoP ${bound}`, signed)).status).toBe(201);
  expect((await send(`DPoP ${bound}`, signed)).status).toBe(401);
  expect((await send(`Bearer ${bound}`)).status).toBe(401);
  expect((await send(`DPoP ${bound}`, await run('local/proof.ts', ['POST', url]))).status).toBe(
    201,
  );
  // The key stays with the stack, owner-only, and goes with it (two-stacks and lifecycle tests).
  const stacks = join(env.LOCAL_STATE_DIR as string, 'stacks');
  expect(readdirSync(stacks).filter((f) => f.endsWith('-dpop.json'))).toHaveLength(1);
  // Without a bound token first, proof says what to do.
  const fresh = isolatedEnv({ API_PORT: env.API_PORT, LOCAL_STATE_DIR: env.LOCAL_STATE_DIR });
  const bare = await runTsx('local/proof.ts', ['POST'], fresh);
  expect(bare.code).toBe(1);
  expect(bare.stderr).toMatch(/^proof: give a method and a URL/);
  expect(existsSync(stacks)).toBe(true);
});
