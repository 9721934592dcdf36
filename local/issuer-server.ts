/**
 * Just the local issuer (`npm run issuer`), for tests and for pointing other tools at it.
 * Prints one JSON line with the issuer and its dev clients, then serves until SIGINT/SIGTERM.
 */
import { loadDotenv } from './env';
import { startLocalIssuer } from './issuer';
import { removeStackState, writeStackState } from './stack-state';

async function main(): Promise<void> {
  loadDotenv();
  const issuer = await startLocalIssuer({
    port: Number(process.env.ISSUER_PORT ?? 4000),
    clientId: process.env.LOCAL_CLIENT_ID,
    clientSecret: process.env.LOCAL_CLIENT_SECRET,
    audience: process.env.OKTA_AUDIENCE,
  });
  // Like `npm start`, leave the dev clients for `npm run token`; the private key goes to a file, not stdout.
  const state = writeStackState(
    { issuer: issuer.issuer, audience: issuer.audience, apiUrl: '', client: issuer.client },
    issuer.jwtClient,
  );
  console.log(JSON.stringify(state));
  const stop = () => {
    removeStackState();
    void issuer.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`issuer: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
