import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../local/ports';
import { ROOT } from '../../testkit/paths';
import { startLocalStack } from '../../testkit/local-stack';
import { isolatedEnv, run, type Running } from '../../testkit/processes';

// The curl walk-through (docs/local-development.md), run as it is written, against `npm start`.
const readme = readFileSync(join(ROOT, 'docs/local-development.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Walk-through with curl'));
const [script, dpopScript] = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map(
  (match) => match[1] as string,
);

let stack: Running;
let env: NodeJS.ProcessEnv;
let printed: (label: string) => string;

beforeAll(async () => {
  env = isolatedEnv({ API_PORT: String(await freePort()), ISSUER_PORT: String(await freePort()) });
  stack = await startLocalStack(env);
  printed = (label) =>
    new RegExp(`^\\s+${label}\\s+(\\S+)$`, 'm').exec(stack.output())?.[1] as string;
}, 150_000);
afterAll(() => stack?.stop());

const walk = (secret?: string) =>
  run('bash', ['-c', script as string], {
    ...env,
    ISSUER: printed('Issuer'),
    API: `http://localhost:${env.API_PORT}`,
    CLIENT_ID: printed('Client ID'),
    ...(secret && { CLIENT_SECRET: secret }),
  });

it('with the printed secret, every step answers as the comments say', async () => {
  const result = await walk(printed('Secret'));
  expect(result.code).toBe(0);
  expect(result.stdout.match(/HTTP\/1\.1 \d{3}/g)).toEqual([
    'HTTP/1.1 200',
    'HTTP/1.1 401',
    'HTTP/1.1 200',
    'HTTP/1.1 200',
  ]);
});

it('with the secret left as "...", stops at step 1 with what the issuer said', async () => {
  const result = await walk();
  expect(result.code).not.toBe(0);
  expect(result.stderr).toMatch(
    /TOKEN: no access token; the issuer answered: \{"error":"invalid_client"/,
  );
  expect(result.stdout).not.toMatch(/HTTP\/1\.1/);
});

it('the DPoP walk-through: 201, the replayed proof 401, the token as Bearer 401, ReadOnly 403', async () => {
  const result = await run('bash', ['-c', dpopScript as string], {
    ...env,
    API: `http://localhost:${env.API_PORT}`,
  });
  // curl's progress meter goes to stderr; nothing else may.
  expect(result.stderr).not.toMatch(/error|token:|proof:/i);
  expect(result.code).toBe(0);
  expect(result.stdout.match(/HTTP\/1\.1 \d{3}/g)).toEqual([
    'HTTP/1.1 201',
    'HTTP/1.1 401',
    'HTTP/1.1 401',
    'HTTP/1.1 403',
  ]);
  expect(result.stdout).toMatch(/"text":"hello","sub":"local-dev-client","jkt":"[\w-]{43}"/);
});

it("README's banner sample is what npm start prints, but for the values generated at each start", () => {
  const readmeText = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const sample = /```\n(Okta-protected API running locally[\s\S]*?)```/.exec(
    readmeText,
  )?.[1] as string;
  const port = (name: string) => new RegExp(`(localhost|127\\.0\\.0\\.1):${env[name]}\\b`, 'g');
  const printed = stack
    .output()
    .replace(port('API_PORT'), '$1:3000')
    .replace(/(127\.0\.0\.1:)\d+\/oauth2/g, '$14000/oauth2')
    .replace(/localhost:\d+ \(sign in/, 'localhost:8080 (sign in')
    .replace(/localhost:\d+\/docs /, 'localhost:8080/docs ')
    .replace(/API_PORT=\d+ /g, '')
    .replace(/^( {2}Secret {6}).+$/m, '$1<secret>')
    .replace(/password \S+$/m, 'password <password>')
    .replace(
      /--private-key \S+\/stacks\/\d+-client-key\.json/,
      '--private-key <project>/.local/stacks/<pid>-client-key.json',
    );
  expect(printed).toContain(sample.trim());
});
