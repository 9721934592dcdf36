/**
 * `npm run token`: a client-credentials access token from the configured issuer, on stdout alone,
 * so `TOKEN=$(npm run -s token)` works. Errors go to stderr with a non-zero exit.
 */
import { createPrivateKey } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import * as oidc from 'openid-client';
import { isLoopbackHost, parseIssuer } from '../settings/okta';
import { DEFAULT_TOKEN_SCOPE } from './banner';
import { localScopes, TOKEN_COMMAND_REDIRECT_URI } from './issuer';
import { SignInError, signInUser } from './user-sign-in';
import { loadDotenv, requireSupportedNode } from '../settings/env';
import { dpopFileOf, runningStacks, type StackState } from './stack-state';

const USAGE = `Usage: npm run -s token -- [--scope "ReadOnly AccessAll"] [--private-key key.json]
                              [--client-id ID] [--client-secret SECRET] [--issuer URL]
       npm run -s token -- --user alice [--scope "openid ReadOnly"]
       npm run -s token -- --dpop [--scope ...]

Requests an access token with the client credentials grant and prints only the token.
  --scope         scopes, space-separated or repeated (default: ${DEFAULT_TOKEN_SCOPE}; for --user,
                  openid profile email and every scope the local issuer knows)
  --dpop          a DPoP-bound token (RFC 9449): a new key pair signs the token request's proof;
                  the key and token are kept with the stack for \`npm run -s proof\`
  --user          a user's token instead: signs in as this dev user of the local issuer with the
                  authorization code flow and PKCE, as the demo app does
  --private-key   authenticate with private_key_jwt, signing the client assertion with this
                  private key (a JWK as Okta's Admin Console shows it, or a PEM file)
  --client-id     default: OKTA_CLIENT_ID, or the local dev client while \`npm start\` runs
  --client-secret default: OKTA_CLIENT_SECRET, or the local dev client's secret
  --issuer        default: OKTA_ISSUER, or the local issuer while \`npm start\` runs`;

export class UsageError extends Error {}

/** What a user's token asks for by default: the OIDC scopes and every API scope (policy trims them). */
const userScope = () => ['openid', 'profile', 'email', ...localScopes()].join(' ');

interface Request {
  issuer: string;
  clientId: string;
  scope: string;
  /** Bind the token to a new key (DPoP); where to keep the key and token. */
  dpopFile?: string;
  auth: { secret: string } | { privateKeyFile: string } | { user: string; password: string };
}

function resolveRequest(argv: string[]): Request {
  const { values } = parseArgs({
    args: argv,
    options: {
      scope: { type: 'string', multiple: true },
      'private-key': { type: 'string' },
      dpop: { type: 'boolean' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      issuer: { type: 'string' },
      user: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.error(USAGE);
    process.exit(0);
  }
  const env = process.env;
  const configured = values.issuer ?? env.OKTA_ISSUER?.trim();
  const local = configured ? undefined : pickStack(env);
  const issuer = configured ? parseIssuer(configured) : (local?.issuer as string);
  const requestedScope = values.scope?.join(' ').split(/\s+/).filter(Boolean).join(' ');
  if (values.user !== undefined) {
    if (!local) {
      throw new UsageError(
        "--user signs in at the local issuer's dev sign-in page; with OKTA_ISSUER, sign in from the demo app (npm start) instead.",
      );
    }
    if (
      !local.users.logins.some(
        (login) => login === values.user || login.startsWith(`${values.user}@`),
      )
    ) {
      throw new UsageError(
        `No dev user ${values.user}: the local issuer has ${local.users.logins.join(', ')}.`,
      );
    }
    return {
      issuer,
      clientId: local.spaClient.id,
      scope: requestedScope || userScope(),
      auth: { user: values.user, password: local.users.password },
    };
  }
  const privateKeyFile = values['private-key'];
  const clientId =
    values['client-id'] ??
    env.OKTA_CLIENT_ID ??
    (privateKeyFile ? local?.jwtClient.id : local?.client.id);
  if (!clientId) {
    throw new UsageError(
      'No client id: pass --client-id or set OKTA_CLIENT_ID (your API Services app).',
    );
  }
  const scope = requestedScope || DEFAULT_TOKEN_SCOPE;
  const dpopFile = values.dpop ? dpopFileOf(local?.pid) : undefined;
  if (privateKeyFile) return { issuer, clientId, scope, dpopFile, auth: { privateKeyFile } };

  const secret = values['client-secret'] ?? env.OKTA_CLIENT_SECRET ?? local?.client.secret;
  if (!secret) {
    throw new UsageError(
      'No client secret: pass --client-secret, set OKTA_CLIENT_SECRET, or use --private-key for private_key_jwt.',
    );
  }
  return { issuer, clientId, scope, dpopFile, auth: { secret } };
}

/** The local stack on API_PORT / ISSUER_PORT when given, or the only one running. */
export function pickStack(env: NodeJS.ProcessEnv): StackState {
  const stacks = runningStacks();
  if (stacks.length === 0) {
    throw new UsageError(
      'No issuer: start the local stack with `npm start` (in another terminal), or set OKTA_ISSUER (in the environment or .env).',
    );
  }
  // 0 is "any free port" (`npm run issuer`): no port to pick by.
  const port = (raw: string | undefined) =>
    raw?.trim() && raw.trim() !== '0' ? raw.trim() : undefined;
  const apiPort = port(env.API_PORT);
  const issuerPort = port(env.ISSUER_PORT);
  const describe = (s: StackState) =>
    `${s.apiUrl || 'issuer only'} (ISSUER_PORT ${s.issuerPort}, pid ${s.pid})`;
  if (apiPort || issuerPort) {
    const match = stacks.find(
      (s) =>
        (!apiPort || String(s.apiPort) === apiPort) &&
        (!issuerPort || String(s.issuerPort) === issuerPort),
    );
    if (match) return match;
    const asked = [apiPort && `API_PORT ${apiPort}`, issuerPort && `ISSUER_PORT ${issuerPort}`]
      .filter(Boolean)
      .join(' and ');
    throw new UsageError(
      `No local stack runs on ${asked}. Running: ${stacks.map(describe).join('; ')}.`,
    );
  }
  if (stacks.length === 1) return stacks[0] as StackState;
  throw new UsageError(
    `${stacks.length} local stacks are running: ${stacks.map(describe).join('; ')}. ` +
      'Say which with its port: API_PORT=<port> npm run -s token (or ISSUER_PORT, or --issuer).',
  );
}

async function clientAuth(request: Request): Promise<oidc.ClientAuth> {
  if ('secret' in request.auth) return oidc.ClientSecretBasic(request.auth.secret);
  if (!('privateKeyFile' in request.auth)) return oidc.None();
  const jwk = readPrivateJwk(request.auth.privateKeyFile);
  const key = await crypto.subtle.importKey(
    'jwk',
    jwk,
    { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return oidc.PrivateKeyJwt({ key, kid: jwk.kid });
}

function readPrivateJwk(file: string): JsonWebKey & { kid?: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read the private key ${file}: ${(error as Error).message}`);
  }
  try {
    if (text.includes('-----BEGIN')) return createPrivateKey(text).export({ format: 'jwk' });
    const jwk = JSON.parse(text) as JsonWebKey & { kid?: string };
    if (jwk.kty !== 'RSA' || !jwk.d) throw new Error('not an RSA private key');
    return jwk;
  } catch (error) {
    throw new UsageError(
      `${file} is not an RSA private key as a JWK or PEM (${(error as Error).message}).`,
    );
  }
}

async function requestToken(request: Request): Promise<string> {
  if ('user' in request.auth) {
    const tokens = await signInUser({
      issuer: request.issuer,
      clientId: request.clientId,
      redirectUri: TOKEN_COMMAND_REDIRECT_URI,
      username: request.auth.user,
      password: request.auth.password,
      scope: request.scope,
    });
    return tokens.access_token;
  }
  const insecure =
    new URL(request.issuer).protocol === 'http:' &&
    isLoopbackHost(new URL(request.issuer).hostname);
  const config = await oidc.discovery(
    new URL(request.issuer),
    request.clientId,
    undefined,
    await clientAuth(request),
    { execute: insecure ? [oidc.allowInsecureRequests] : [], timeout: 10 },
  );
  try {
    if (!request.dpopFile) {
      return (await oidc.clientCredentialsGrant(config, { scope: request.scope })).access_token;
    }
    // openid-client signs the proof, and answers the issuer's use_dpop_nonce with its nonce.
    const keyPair = await oidc.randomDPoPKeyPair('ES256', { extractable: true });
    const DPoP = oidc.getDPoPHandle(config, keyPair);
    const response = await oidc.clientCredentialsGrant(config, { scope: request.scope }, { DPoP });
    if (response.token_type !== 'dpop') {
      throw new UsageError(
        `the issuer answered a ${response.token_type} token, not a DPoP-bound one: does it support DPoP (Okta: an API Services app)?`,
      );
    }
    await saveDpop(request.dpopFile, keyPair, response.access_token);
    return response.access_token;
  } catch (error) {
    const known = config.serverMetadata().scopes_supported;
    if (error instanceof oidc.ResponseBodyError && error.error === 'invalid_scope' && known) {
      // Say what the server publishes, so the next try can be right.
      throw new UsageError(
        `${describe(error)}. Asked for: ${request.scope}. The issuer's scopes: ${known.join(', ')}.`,
      );
    }
    throw error;
  }
}

/** The key (private JWK) and its bound token, owner-only, for `npm run proof`. */
async function saveDpop(file: string, keyPair: CryptoKeyPair, accessToken: string): Promise<void> {
  const privateJwk = await crypto.subtle.exportKey('jwk', keyPair.privateKey);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify({ privateJwk, accessToken })}\n`, { mode: 0o600 });
}

function describe(error: unknown, issuer?: string): string {
  if (error instanceof oidc.ResponseBodyError) {
    return `${error.error}${error.error_description ? `: ${error.error_description}` : ''} (HTTP ${error.status})`;
  }
  if (error instanceof oidc.WWWAuthenticateChallengeError) {
    const params = error.cause[0]?.parameters;
    return `${params?.error ?? 'unauthorized'}${params?.error_description ? `: ${params.error_description}` : ''} (HTTP ${error.status})`;
  }
  if (error instanceof UsageError || error instanceof SignInError) return error.message;
  const code = networkErrorCode(error);
  if (code)
    return `cannot reach the issuer at ${issuer} (${code}). Is it running, and is the URL right?`;
  return error instanceof Error ? error.message : String(error);
}

function networkErrorCode(error: unknown): string | undefined {
  for (
    let e = error as { cause?: unknown; code?: unknown; name?: string } | undefined;
    e;
    e = e.cause as typeof e
  ) {
    if (e.name === 'TimeoutError') return 'timed out';
    if (typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code)) return e.code;
    if (e instanceof TypeError && e.message === 'fetch failed')
      return (e.cause as Error | undefined)?.message ?? e.message;
  }
  return undefined;
}

async function main(): Promise<void> {
  requireSupportedNode('token');
  loadDotenv();
  let request: Request | undefined;
  try {
    request = resolveRequest(process.argv.slice(2));
    process.stdout.write(`${await requestToken(request)}\n`);
  } catch (error) {
    console.error(`token: ${describe(error, request?.issuer)}`);
    process.exitCode = 1;
  }
}

if (require.main === module) void main();
