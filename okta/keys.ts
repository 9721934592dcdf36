/**
 * The service apps' key pairs (private_key_jwt): generated here, only the public JWK goes to
 * Okta, the private one is written once, readable by its owner only, under `.okta/<stage>/`
 * (git-ignored), and its path printed: never its contents.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';

export interface AppKeys {
  create(client: string): Promise<{ publicJwk: JWK; save(): Promise<string> }>;
  /** The private key file of a client made earlier, if it is here. */
  existing(client: string): string | undefined;
}

export function keysIn(dir: string): AppKeys {
  const file = (client: string) => join(dir, `${client}.private.jwk.json`);
  return {
    async create(client) {
      const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
      const publicJwk = await exportJWK(publicKey);
      const kid = await calculateJwkThumbprint(publicJwk);
      return {
        publicJwk: { ...publicJwk, kid, alg: 'RS256', use: 'sig' },
        async save() {
          await mkdir(dir, { recursive: true, mode: 0o700 });
          const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'RS256' };
          // A new app: a key left from an app of the same name, since deleted, is of no use.
          await writeFile(file(client), `${JSON.stringify(privateJwk, null, 2)}\n`, {
            mode: 0o600,
          });
          return file(client);
        },
      };
    },
    existing: (client) => (existsSync(file(client)) ? file(client) : undefined),
  };
}
