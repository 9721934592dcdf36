import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../local/ports';
import { decodePayload } from '../../testkit/tokens';
import { isolatedEnv, type Running, runTsx, startTsx } from '../../testkit/processes';
import { startLocalStack } from '../../testkit/local-stack';
import { ProjectCopy } from '../../testkit/project-copy';

// Two `npm start` at the same moment, only API_PORT told apart: both come up on ports of their
// own. Then each launcher is killed hard (SIGKILL), and nothing of its stack is left running.
const shared = isolatedEnv();
const stateDir = shared.LOCAL_STATE_DIR as string;
const folder = new ProjectCopy();
let a: { env: NodeJS.ProcessEnv; stack: Running };
let b: { env: NodeJS.ProcessEnv; stack: Running };

beforeAll(async () => {
  const [portA, portB] = [await freePort(), await freePort()];
  const start = async (port: number) => {
    const env = { ...shared, API_PORT: String(port) };
    return { env, stack: await startLocalStack(env, folder) };
  };
  [a, b] = await Promise.all([start(portA), start(portB)]);
}, 240_000);
/** Every process a test saw in a stack: if one outlives it (the failure), it goes here. */
const seen = new Set<number>();
afterAll(async () => {
  await a?.stack.stop();
  await b?.stack.stop();
  for (const pid of stillRunning([...seen])) process.kill(pid, 'SIGKILL');
  folder.remove();
});

/** pid, parent pid, process group and state of every process, from `ps`. */
function processTable(): { pid: number; ppid: number; pgid: number; zombie: boolean }[] {
  return execFileSync('ps', ['-eo', 'pid=,ppid=,pgid=,stat='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .map(([pid, ppid, pgid, stat]) => ({
      pid: Number(pid),
      ppid: Number(ppid),
      pgid: Number(pgid),
      zombie: (stat ?? '').startsWith('Z'),
    }));
}

/** Every process a launcher started, however deep: its descendants and their process groups. */
function stackProcesses(root: number): number[] {
  const table = processTable();
  const found = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of table) {
      if (!found.has(p.pid) && (found.has(p.ppid) || found.has(p.pgid))) {
        found.add(p.pid);
        grew = true;
      }
    }
  }
  for (const pid of found) seen.add(pid);
  return [...found];
}

/** The processes of `pids` still running (a zombie has stopped: only its exit status is left). */
function stillRunning(pids: number[]): number[] {
  const running = new Set(
    processTable()
      .filter((p) => !p.zombie)
      .map((p) => p.pid),
  );
  return pids.filter((pid) => running.has(pid));
}

async function untilNoneRunning(pids: number[], withinMs = 20_000): Promise<number[]> {
  const deadline = Date.now() + withinMs;
  let left = stillRunning(pids);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    left = stillRunning(pids);
  }
  return left;
}

const stateFiles = () =>
  existsSync(join(stateDir, 'stacks')) ? readdirSync(join(stateDir, 'stacks')) : [];
const banner = (stack: Running) => stack.output();
const issuerPort = (stack: Running) =>
  Number(/Issuer {6}http:\/\/127\.0\.0\.1:(\d+)\//.exec(banner(stack))?.[1]);
const spaPort = (stack: Running) =>
  Number(/Demo app {4}http:\/\/localhost:(\d+) /.exec(banner(stack))?.[1]);

it('both come up, the issuer and demo app of each on free ports that the banner prints', () => {
  expect(issuerPort(a.stack)).toBeGreaterThan(0);
  expect(spaPort(a.stack)).toBeGreaterThan(0);
  expect(
    new Set([issuerPort(a.stack), issuerPort(b.stack), spaPort(a.stack), spaPort(b.stack)]).size,
  ).toBe(4);
  for (const { env, stack } of [a, b]) {
    // The token commands it prints find this stack among several.
    expect(banner(stack)).toContain(`TOKEN=$(API_PORT=${env.API_PORT} npm run -s token)`);
  }
});

it('npm run token finds each by its API_PORT, and its token works there', async () => {
  for (const { env, stack } of [a, b]) {
    const result = await runTsx('local/token.ts', [], { ...shared, API_PORT: env.API_PORT });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(decodePayload(result.stdout).iss).toBe(
      `http://127.0.0.1:${issuerPort(stack)}/oauth2/default`,
    );
    const whoami = await fetch(`http://localhost:${env.API_PORT}/api/whoami`, {
      headers: { Authorization: `Bearer ${result.stdout.trim()}` },
    });
    expect(whoami.status).toBe(200);
    const app = await fetch(`http://localhost:${spaPort(stack)}/config.json`);
    expect(await app.json()).toMatchObject({ apiUrl: `http://localhost:${env.API_PORT}` });
  }
});

it('its launcher killed with SIGKILL (tsx, as npm start runs it), no process of the stack is left', async () => {
  const launcher = a.stack.child.pid as number;
  const processes = stackProcesses(launcher);
  // tsx, the stack's own node process, serverless offline and what offline started.
  expect(processes.length).toBeGreaterThanOrEqual(3);
  const exited = new Promise((resolve) => a.stack.child.once('exit', resolve));
  process.kill(launcher, 'SIGKILL');
  await exited;
  expect(await untilNoneRunning(processes)).toEqual([]);
  await expect(fetch(`http://localhost:${a.env.API_PORT}/api/hello`)).rejects.toThrow();
  // The stack that was not killed carries on.
  expect((await fetch(`http://localhost:${b.env.API_PORT}/api/hello`)).status).toBe(200);
});

it("the stack's own process killed with SIGKILL, serverless offline stops too and the dev secrets go", async () => {
  const launcher = b.stack.child.pid as number;
  const processes = stackProcesses(launcher);
  const own = Number(
    stateFiles()
      .map((f) => /^(\d+)\.json$/.exec(f)?.[1])
      .find((pid) => pid && processes.includes(Number(pid))),
  );
  expect(own).toBeGreaterThan(0);
  process.kill(own, 'SIGKILL');
  expect(await untilNoneRunning(processes)).toEqual([]);
  await expect(fetch(`http://localhost:${b.env.API_PORT}/api/hello`)).rejects.toThrow();
  expect(stateFiles().filter((f) => f.startsWith(`${own}`))).toEqual([]);
});

it('npm start killed with SIGKILL (npm itself, as an editor or a test runner does), no process of the stack is left', async () => {
  const env = { ...shared, API_PORT: String(await freePort()) };
  const npm = await startTsx('local/start.ts', env, /Press Ctrl\+C to stop/, 120_000, folder.dir, [
    'npm',
    ['start'],
  ]);
  const processes = stackProcesses(npm.child.pid as number);
  // npm, its shell, tsx, the stack's node process and serverless offline, at least.
  expect(processes.length).toBeGreaterThanOrEqual(5);
  process.kill(npm.child.pid as number, 'SIGKILL');
  expect(await untilNoneRunning(processes)).toEqual([]);
  await expect(fetch(`http://localhost:${env.API_PORT}/api/hello`)).rejects.toThrow();
});
