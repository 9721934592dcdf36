/**
 * `npm start`: the API under serverless offline, beside a local Okta-compatible issuer
 * (or, with OKTA_ISSUER set, against that real Okta authorization server).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { ConfigError } from '../authorizer/config';
import { compileRouteTable } from '../authorizer/route-table';
import { type ServerlessFunctions, wireRoutes } from '../plugins/route-wiring';
import { routes } from '../routes';
import { resolveSettings } from '../settings';
import { banner } from './banner';
import { loadDotenv, requireNode22 } from './env';
import { portFromEnv, portIsFree } from './ports';
import { startSpa } from './spa-server';
import { startStack } from './stack';
import { removeStackState, runningStacks, writeStackState } from './stack-state';

async function main(): Promise<void> {
  requireNode22('npm start');
  loadDotenv();
  const useOkta = Boolean(process.env.OKTA_ISSUER?.trim());
  // Fail now, with the fix in the message, rather than on the first request.
  const table = compileRouteTable(routes);
  checkWiring();
  const settings = resolveSettings(process.env, { localIssuer: !useOkta });

  const apiPort = portFromEnv('API_PORT', 3000);
  const issuerPort = useOkta ? undefined : portFromEnv('ISSUER_PORT', 4000);
  const spaPort = portFromEnv('SPA_PORT', 8080);
  await checkPortsFree(apiPort, issuerPort, spaPort);

  const stack = await startStack({
    apiPort,
    issuerPort,
    spaOrigin: `http://localhost:${spaPort}`,
    env: process.env,
    output: (line, stream) => process[stream].write(`${line}\n`),
  });

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    removeStackState();
    if (spa) await spa.close();
    await stack.stop();
    process.exit(code);
  };
  // A closed terminal (SIGHUP) cleans up like Ctrl+C: no dev secret is left behind.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => void stop(0));
  }
  void stack.exited.then((code) => {
    if (!stopping) console.error(`serverless offline exited (code ${code}); stopping.`);
    void stop(code);
  });

  const { apiUrl, issuer } = stack;
  // The demo app signs users in at the local issuer, or at your Okta org with your SPA app.
  const spaClientId = issuer?.spaClient.id ?? process.env.OKTA_SPA_CLIENT_ID?.trim();
  const spa =
    spaClientId &&
    (await startSpa(spaPort, {
      issuer: issuer?.issuer ?? (settings.oktaIssuer as string),
      clientId: spaClientId,
      apiUrl,
      scopes: ['openid', 'profile', 'email', ...table.scopes],
    }));
  const state = issuer && writeStackState(issuer, apiUrl, apiPort);
  console.log(
    banner({
      apiUrl,
      table,
      issuer,
      oktaIssuer: process.env.OKTA_ISSUER,
      audience: process.env.OKTA_AUDIENCE,
      hasOktaClient: Boolean(process.env.OKTA_CLIENT_ID),
      keyFile: state?.jwtClient.keyFile,
      spaUrl: spa ? spa.url : undefined,
    }),
  );
}

/** A taken port is named with its fix: the stack already on it (and its pid), or another program. */
async function checkPortsFree(
  apiPort: number,
  issuerPort: number | undefined,
  spaPort: number,
): Promise<void> {
  const ports = [
    ['API_PORT', apiPort, 'localhost'],
    ['ISSUER_PORT', issuerPort, '127.0.0.1'],
    ['SPA_PORT', spaPort, 'localhost'],
  ] as const;
  for (const [name, port, host] of ports) {
    if (port === undefined || (await portIsFree(port, host))) continue;
    const owner = runningStacks().find((s) => s.apiPort === port || s.issuerPort === port);
    throw new ConfigError(
      owner
        ? `${name} ${port} is taken by a local stack already running (pid ${owner.pid}, ${owner.apiUrl || owner.issuer}). ` +
            `Use that one, or start another on free ports: API_PORT=${apiPort + 1} ISSUER_PORT=${(issuerPort ?? 4000) + 1} SPA_PORT=${spaPort + 1} npm start.`
        : `${name} ${port} is in use by another program. Set ${name} to a free port, e.g. ${name}=${port + 1} npm start.`,
    );
  }
}

/** The route-access plugin's check, before serverless offline starts (and prints its own banner). */
function checkWiring(): void {
  const config = yaml.load(readFileSync(join(__dirname, '../serverless.yml'), 'utf8')) as {
    functions?: ServerlessFunctions;
    custom?: { oktaAuthorizer?: object };
  };
  wireRoutes(routes, config.functions ?? {}, config.custom?.oktaAuthorizer);
}

main().catch((error: unknown) => {
  const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
  console.error(
    inUse
      ? `npm start: port ${(error as { port?: number }).port} is in use. Set ISSUER_PORT or API_PORT to a free port.`
      : `npm start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
