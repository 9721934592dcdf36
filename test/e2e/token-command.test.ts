import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalIssuerProcess, startLocalIssuerProcess } from '../../testkit/local-issuer';
import { freePort } from '../../local/ports';
import { isolatedEnv, runTsx } from '../../testkit/processes';
import { decodePayload } from '../../testkit/tokens';

// `npm run token` against a running local issuer, as a user runs it.
let issuer: LocalIssuerProcess;

beforeAll(async () => {
  issuer = await startLocalIssuerProcess();
});
afterAll(() => issuer.stop());

/** With the issuer's state dir, like `npm run token` beside `npm start` / `npm run issuer`. */
const token = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runTsx('local/token.ts', args, { ...issuer.env, ...env });

describe('client_secret_basic', () => {
  it('prints only the access token, found through the running local stack', async () => {
    const result = await token([]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(decodePayload(result.stdout)).toMatchObject({
      iss: issuer.issuer,
      cid: issuer.client.id,
      scp: ['AccessAll'],
    });
  });

  it('asks for the scopes given', async () => {
    const result = await token(['--scope', 'ReadOnly']);
    expect(decodePayload(result.stdout)).toMatchObject({ scp: ['ReadOnly'] });
  });

  it.each([[['--scope', 'ReadOnly AccessAll']], [['--scope', 'ReadOnly', '--scope', 'AccessAll']]])(
    'takes several scopes: %j',
    async (args) => {
      const result = await token(args);
      expect(result.stderr).toBe('');
      expect(decodePayload(result.stdout).scp).toEqual(['ReadOnly', 'AccessAll']);
    },
  );

  it('works from OKTA_* variables alone, as against a real Okta org', async () => {
    const result = await runTsx(
      'local/token.ts',
      [],
      isolatedEnv({
        OKTA_ISSUER: issuer.issuer,
        OKTA_CLIENT_ID: issuer.client.id,
        OKTA_CLIENT_SECRET: issuer.client.secret,
      }),
    );
    expect(result.code).toBe(0);
    expect(decodePayload(result.stdout)).toMatchObject({ cid: issuer.client.id });
  });
});

describe('private_key_jwt', () => {
  it('signs the client assertion locally with the private key (JWK)', async () => {
    const result = await token(['--private-key', issuer.jwtClient.keyFile]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(decodePayload(result.stdout)).toMatchObject({
      sub: issuer.jwtClient.id,
      cid: issuer.jwtClient.id,
      scp: ['AccessAll'],
    });
  });

  it('is refused with a key the app does not know', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'token-test-'));
    const pem = join(dir, 'other.pem');
    writeFileSync(
      pem,
      generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
        type: 'pkcs8',
        format: 'pem',
      }),
    );
    const result = await token(['--private-key', pem]);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^token: invalid_client/);
  });
});

describe("failures: the server's error on stderr, nothing on stdout, a non-zero exit", () => {
  it.each([
    [
      ['--scope', 'NoSuchScope'],
      {},
      /^token: invalid_scope: One or more scopes are not configured.*\(HTTP 400\)\. Asked for: NoSuchScope\. The issuer's scopes: AccessAll, ReadOnly, openid, profile, email, offline_access\.\n$/,
    ],
    [['--client-secret', 'wrong'], {}, /token: invalid_client.*\(HTTP 401\)/],
    [
      ['--private-key', '/no/such/key.json'],
      {},
      /token: Cannot read the private key \/no\/such\/key\.json/,
    ],
    [['--private-key', 'package.json'], {}, /token: package\.json is not an RSA private key/],
    [['--unknown-flag'], {}, /token: Unknown option '--unknown-flag'/],
    [
      [],
      {
        OKTA_ISSUER: 'https://{yourOktaDomain}/oauth2/default',
        OKTA_CLIENT_ID: 'x',
        OKTA_CLIENT_SECRET: 'y',
      },
      /token: OKTA_ISSUER has a placeholder/,
    ],
    [
      [],
      { OKTA_ISSUER: 'https://dev-1.okta.com/oauth2/default' },
      /token: No client id: pass --client-id or set OKTA_CLIENT_ID/,
    ],
  ])('%j %j', async (args, env, message) => {
    const result = await token(args, env);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
  });

  it('says how to start the local stack when nothing is running', async () => {
    const result = await runTsx('local/token.ts', [], isolatedEnv());
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toMatch(
      /No issuer: start the local stack with `npm start`.*or set OKTA_ISSUER/,
    );
  });

  it('names the issuer it cannot reach', async () => {
    const closed = `http://127.0.0.1:${await freePort()}/oauth2/default`;
    const result = await runTsx(
      'local/token.ts',
      ['--issuer', closed, '--client-id', 'a', '--client-secret', 'b'],
      isolatedEnv(),
    );
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toContain(`token: cannot reach the issuer at ${closed}`);
  });
});

describe('--user: a dev user signs in with code + PKCE, as the demo app does', () => {
  it("prints the user's access token", async () => {
    const result = await token(['--user', 'alice']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(decodePayload(result.stdout)).toMatchObject({
      sub: 'alice@example.com',
      uid: expect.stringMatching(/^00u/),
      cid: issuer.spaClient.id,
      scp: ['openid', 'profile', 'email', 'AccessAll', 'ReadOnly'],
    });
  });

  it('takes --scope, and a user gets only what their policy allows', async () => {
    const result = await token(['--user', 'bob', '--scope', 'openid AccessAll ReadOnly']);
    expect(decodePayload(result.stdout).scp).toEqual(['openid', 'ReadOnly']);
  });

  it('names the dev users when the user is unknown', async () => {
    const result = await token(['--user', 'mallory']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'token: No dev user mallory: the local issuer has alice@example.com, bob@example.com.\n',
    );
  });
});
