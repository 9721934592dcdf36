/**
 * `npm run -s proof -- METHOD URL`: a fresh DPoP proof (RFC 9449) for one request, on stdout
 * alone, signed with the key `npm run token -- --dpop` bound its token to, so that
 *   curl -X POST URL -H "Authorization: DPoP $TOKEN" -H "DPoP: $(npm run -s proof -- POST URL)"
 * works. Each proof is single-use: make a new one for every request.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type JWK, SignJWT } from 'jose';
import { accessTokenHash } from '../authorizer/dpop';
import { loadDotenv, requireSupportedNode } from '../settings/env';
import { dpopFileOf } from './stack-state';
import { pickStack, UsageError } from './token';

const USAGE = `Usage: npm run -s proof -- METHOD URL [--token TOKEN]

Prints a DPoP proof for one request to URL with METHOD, signed with the key of the last
\`npm run -s token -- --dpop\` (of the stack on API_PORT / ISSUER_PORT, or the only one running).
  --token   the DPoP-bound token the request carries (default: that command's last token)`;

interface Saved {
  privateJwk: JWK;
  accessToken: string;
}

export async function makeProof(
  saved: Saved,
  method: string,
  url: string,
  accessToken = saved.accessToken,
): Promise<string> {
  const target = new URL(url);
  // The public members only (WebCrypto's export adds key_ops and ext, which a verifier would honour).
  const { kty, crv, x, y } = saved.privateJwk;
  const publicJwk = { kty, crv, x, y };
  return new SignJWT({
    htm: method.toUpperCase(),
    // RFC 9449: the target URI without query and fragment.
    htu: `${target.origin}${target.pathname}`,
    ath: accessTokenHash(accessToken),
    jti: randomUUID(),
  })
    .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: publicJwk })
    .setIssuedAt()
    .sign(
      await crypto.subtle.importKey(
        'jwk',
        saved.privateJwk as JsonWebKey,
        { name: 'ECDSA', namedCurve: 'P-256' },
        false,
        ['sign'],
      ),
    );
}

async function main(): Promise<void> {
  requireSupportedNode('proof');
  loadDotenv();
  try {
    const { values, positionals } = parseArgs({
      args: process.argv.slice(2),
      options: { token: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
    });
    if (values.help) {
      console.error(USAGE);
      return;
    }
    const [method, url] = positionals;
    if (!method || !url || positionals.length !== 2 || !/^[A-Za-z]+$/.test(method)) {
      throw new UsageError(
        `give a method and a URL, e.g. POST http://localhost:3000/api/messages.\n${USAGE}`,
      );
    }
    try {
      new URL(url);
    } catch {
      throw new UsageError(`${url} is not a URL.`);
    }
    const file = process.env.OKTA_ISSUER?.trim()
      ? dpopFileOf()
      : dpopFileOf(pickStack(process.env).pid);
    let saved: Saved;
    try {
      saved = JSON.parse(readFileSync(file, 'utf8')) as Saved;
    } catch {
      throw new UsageError(
        'no DPoP key yet: get a bound token first, with `npm run -s token -- --dpop`.',
      );
    }
    process.stdout.write(`${await makeProof(saved, method, url, values.token)}\n`);
  } catch (error) {
    console.error(`proof: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}

if (require.main === module) void main();
