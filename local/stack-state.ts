import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { LocalIssuer } from './issuer';

/** What `npm start` leaves for `npm run token` while the local stack runs (git-ignored, owner-only). */
export interface StackState {
  issuer: string;
  audience: string;
  apiUrl: string;
  client: { id: string; secret: string };
  jwtClient: { id: string; keyFile: string };
}

export function stateDir(): string {
  return resolve(process.env.LOCAL_STATE_DIR ?? '.local');
}

const stateFile = () => join(stateDir(), 'stack.json');
const keyFile = () => join(stateDir(), 'dev-client-key.json');

export function writeStackState(issuer: LocalIssuer, apiUrl: string): StackState {
  mkdirSync(stateDir(), { recursive: true, mode: 0o700 });
  writeFileSync(keyFile(), `${JSON.stringify(issuer.jwtClient.privateJwk, null, 2)}\n`, {
    mode: 0o600,
  });
  const state: StackState = {
    issuer: issuer.issuer,
    audience: issuer.audience,
    apiUrl,
    client: issuer.client,
    jwtClient: { id: issuer.jwtClient.id, keyFile: keyFile() },
  };
  writeFileSync(stateFile(), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  return state;
}

export function readStackState(): StackState | undefined {
  try {
    return JSON.parse(readFileSync(stateFile(), 'utf8')) as StackState;
  } catch {
    return undefined;
  }
}

export function removeStackState(): void {
  rmSync(stateFile(), { force: true });
  rmSync(keyFile(), { force: true });
}
