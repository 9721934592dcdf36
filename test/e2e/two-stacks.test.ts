import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { freePort } from '../../local/ports';
import { decodePayload } from '../../testkit/tokens';
import { isolatedEnv, type Running, runTsx } from '../../testkit/processes';
import { startLocalStack } from '../../testkit/local-stack';
import { ProjectCopy } from '../../testkit/project-copy';

// Two `npm start` in one folder: each keeps its own state, `npm run token` reaches the one it is
// pointed at (or the only one), a third on taken ports says so, and a closed terminal cleans up.
let a: { env: NodeJS.ProcessEnv; stack: Running };
let b: { env: NodeJS.ProcessEnv; stack: Running };
const shared = isolatedEnv();
// One checkout, two stacks.
const folder = new ProjectCopy();
const stateDir = shared.LOCAL_STATE_DIR as string;

async function start(): Promise<{ env: NodeJS.ProcessEnv; stack: Running }> {
  const env = {
    ...shared,
    API_PORT: String(await freePort()),
    ISSUER_PORT: String(await freePort()),
  };
  return { env, stack: await startLocalStack(env, folder) };
}

beforeAll(async () => {
  a = await start();
  b = await start();
}, 240_000);
afterAll(async () => {
  await a?.stack.stop();
  await b?.stack.stop();
  folder.remove();
});

/** The pid of npm start's own process (tsx runs it as a child), from its state file. */
function pidOf(stack: { env: NodeJS.ProcessEnv }): number {
  for (const file of readdirSync(join(stateDir, 'stacks'))) {
    if (!file.endsWith('.json') || file.includes('key')) continue;
    const state = JSON.parse(readFileSync(join(stateDir, 'stacks', file), 'utf8')) as {
      pid: number;
      apiPort?: number;
    };
    if (String(state.apiPort) === stack.env.API_PORT) return state.pid;
  }
  throw new Error(`no state for API_PORT ${stack.env.API_PORT}`);
}

const token = (env: NodeJS.ProcessEnv) => runTsx('local/token.ts', [], env);
const whoami = (env: NodeJS.ProcessEnv, jwt: string) =>
  fetch(`http://localhost:${env.API_PORT}/api/whoami`, {
    headers: { Authorization: `Bearer ${jwt}` },
  });

it('npm run token reaches the stack whose API_PORT or ISSUER_PORT it is given', async () => {
  for (const stack of [a, b]) {
    const byApi = await token({ ...shared, API_PORT: stack.env.API_PORT });
    expect(byApi).toMatchObject({ code: 0, stderr: '' });
    expect(decodePayload(byApi.stdout).iss).toContain(`:${stack.env.ISSUER_PORT}/`);
    expect((await whoami(stack.env, byApi.stdout.trim())).status).toBe(200);
    const byIssuer = await token({ ...shared, ISSUER_PORT: stack.env.ISSUER_PORT });
    expect(decodePayload(byIssuer.stdout).iss).toContain(`:${stack.env.ISSUER_PORT}/`);
  }
  // A token of one stack's issuer means nothing to the other stack.
  const fromA = (await token({ ...shared, API_PORT: a.env.API_PORT })).stdout.trim();
  expect((await whoami(b.env, fromA)).status).toBe(401);
});

it('says which stacks run when it is not told which', async () => {
  const result = await token(shared);
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(
    /^token: 2 local stacks are running: .*pid \d+.*; .*pid \d+.*\. Say which with its port: API_PORT=<port>/,
  );
});

it('a third npm start on taken ports names the stack there and how to start another', async () => {
  const result = await runTsx('local/start.ts', [], a.env);
  expect(result.code).toBe(1);
  expect(result.stderr.trim()).toMatch(
    new RegExp(
      `^npm start: API_PORT ${a.env.API_PORT} is taken by a local stack already running \\(pid ${pidOf(a)}, http://localhost:${a.env.API_PORT}\\)\\. Use that one, or start another beside it: API_PORT=\\d+ npm start \\(its other ports are then picked free\\)\\.$`,
    ),
  );
});

// Each setting's port, held by another program, is named by that setting (SPA_PORT's was once
// reported as ISSUER_PORT or API_PORT).
it.each(['API_PORT', 'SPA_PORT'])(
  'a port held by another program is named by its setting, %s, with the fix',
  async (setting) => {
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, 'localhost', () => resolve()));
    try {
      const result = await runTsx('local/start.ts', [], {
        ...shared,
        API_PORT: String(await freePort()),
        ISSUER_PORT: String(await freePort()),
        [setting]: String(port),
      });
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toMatch(
        new RegExp(
          `^npm start: ${setting} ${port} is in use by another program\\. Set ${setting} to a free port, e\\.g\\. ${setting}=\\d+ npm start\\.$`,
        ),
      );
    } finally {
      blocker.close();
    }
  },
);

it('ignores and removes the state a killed stack left behind', async () => {
  const dead = join(stateDir, 'stacks', '999999.json');
  mkdirSync(join(stateDir, 'stacks'), { recursive: true });
  writeFileSync(dead, JSON.stringify({ pid: 999999, issuer: 'http://127.0.0.1:1/oauth2/default' }));
  const result = await token({ ...shared, API_PORT: b.env.API_PORT });
  expect(result.code).toBe(0);
  expect(existsSync(dead)).toBe(false);
});

it('a closed terminal (SIGHUP) stops a stack and removes its secrets; the other one carries on', async () => {
  // A closed terminal sends SIGHUP to every process of the session: npm start's own among them.
  const pid = pidOf(a);
  const exited = new Promise((resolve) => a.stack.child.once('exit', resolve));
  process.kill(pid, 'SIGHUP');
  await exited;
  expect(readdirSync(join(stateDir, 'stacks')).filter((f) => f.startsWith(`${pid}`))).toEqual([]);
  await expect(fetch(`http://localhost:${a.env.API_PORT}/api/hello`)).rejects.toThrow();
  const only = await token(shared);
  expect(only).toMatchObject({ code: 0, stderr: '' });
  expect((await whoami(b.env, only.stdout.trim())).status).toBe(200);
});
