import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { LocalIssuer } from './issuer';

/**
 * What a running `npm start` (or `npm run issuer`) leaves for `npm run token`: one file per stack,
 * named by its process id, git-ignored and owner-only, removed when the stack stops. A file whose
 * process is gone (a stack that was killed) is stale: ignored, and removed when seen.
 */
export interface StackState {
  pid: number;
  issuer: string;
  audience: string;
  /** Empty for `npm run issuer`. */
  apiUrl: string;
  apiPort?: number;
  issuerPort: number;
  /** The demo app's, when it runs. */
  spaPort?: number;
  client: { id: string; secret: string };
  jwtClient: { id: string; keyFile: string };
  /** The public SPA client and the dev users who can sign in with it. */
  spaClient: { id: string; redirectUris: string[] };
  users: { logins: string[]; password: string };
}

export function stateDir(): string {
  return resolve(process.env.LOCAL_STATE_DIR ?? '.local');
}

const stacksDir = () => join(stateDir(), 'stacks');
const stateFile = (pid: number) => join(stacksDir(), `${pid}.json`);
/** The private_key_jwt client's key, for `npm run token -- --private-key <file>`. */
const keyFileOf = (pid: number) => join(stacksDir(), `${pid}-client-key.json`);

export function writeStackState(
  issuer: LocalIssuer,
  apiUrl: string,
  ports: { apiPort?: number; spaPort?: number } = {},
): StackState {
  mkdirSync(stacksDir(), { recursive: true, mode: 0o700 });
  const pid = process.pid;
  writeFileSync(keyFileOf(pid), `${JSON.stringify(issuer.jwtClient.privateJwk, null, 2)}\n`, {
    mode: 0o600,
  });
  const state: StackState = {
    pid,
    issuer: issuer.issuer,
    audience: issuer.audience,
    apiUrl,
    apiPort: ports.apiPort,
    issuerPort: Number(new URL(issuer.issuer).port),
    client: issuer.client,
    jwtClient: { id: issuer.jwtClient.id, keyFile: keyFileOf(pid) },
    spaPort: ports.spaPort,
    spaClient: issuer.spaClient,
    users: { logins: issuer.users.users.map((u) => u.login), password: issuer.users.password },
  };
  writeFileSync(stateFile(pid), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  return state;
}

/** The stacks running now, oldest first; stale files are removed. */
export function runningStacks(): StackState[] {
  let names: string[];
  try {
    names = readdirSync(stacksDir());
  } catch {
    return [];
  }
  const stacks: StackState[] = [];
  for (const name of names) {
    const match = /^(\d+)\.json$/.exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    if (!isAlive(pid)) {
      removeStackState(pid);
      continue;
    }
    try {
      stacks.push(JSON.parse(readFileSync(stateFile(pid), 'utf8')) as StackState);
    } catch {
      // being written or removed right now
    }
  }
  return stacks.sort((a, b) => a.pid - b.pid);
}

/**
 * `npm run token -- --dpop`'s key and bound token, for `npm run proof`: kept with the stack's
 * state (gone when it stops), or in .local/ when the token comes from a real Okta org.
 */
export const dpopFileOf = (pid?: number) =>
  pid === undefined ? join(stateDir(), 'dpop.json') : join(stacksDir(), `${pid}-dpop.json`);

/** The files a stack's state is in: its dev client's secret and private key among them. */
export function stateFilesOf(pid = process.pid): string[] {
  return [stateFile(pid), keyFileOf(pid), dpopFileOf(pid)];
}

export function removeStackState(pid = process.pid): void {
  for (const file of stateFilesOf(pid)) rmSync(file, { force: true });
}

/** Whether a process runs (EPERM: it does, as another user's). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
