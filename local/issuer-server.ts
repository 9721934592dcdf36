/**
 * Just the local issuer (`npm run issuer`), for tests and for pointing other tools at it.
 * Prints one JSON line with the issuer and its dev clients, then serves until SIGINT/SIGTERM.
 */
import { loadDotenv } from '../settings/env';
import { issuerOptionsFromEnv, startLocalIssuer } from './issuer';
import { portFromEnv } from './ports';
import { removeStackState, writeStackState } from './stack-state';

async function main(): Promise<void> {
  loadDotenv();
  // ISSUER_PORT=0: any free port (the printed issuer says which).
  const issuer = await startLocalIssuer(
    issuerOptionsFromEnv(process.env, portFromEnv('ISSUER_PORT', 4000, 0)),
  );
  // Like `npm start`, leave the dev clients for `npm run token`; the private key goes to a file, not stdout.
  const state = writeStackState(issuer, '');
  console.log(JSON.stringify(state));
  const stop = () => {
    removeStackState();
    void issuer.close().then(() => process.exit(0));
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, stop);
}

main().catch((error: unknown) => {
  console.error(`issuer: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
