/**
 * `npm start`: the API under serverless offline, beside a local Okta-compatible issuer
 * (or, with OKTA_ISSUER set, against that real Okta authorization server).
 */
import { ConfigError } from '../settings/errors';
import { compileRouteTable } from '../route-table/compile';
import { type ServerlessFunctions, wireRoutes } from '../route-table/wiring';
import { callers, routes } from '../routes';
import { OpenApiError, openApiDocument } from '../openapi/document';
import { localTarget } from '../openapi/targets';
import { resolveSettings } from '../settings/index';
import { readServerlessYml } from '../settings/project.cjs';
import { banner } from './banner';
import { loadDotenv, requireSupportedNode } from '../settings/env';
import { watchLaunchers } from './launcher-watch';
import {
  nextFreePort,
  type PortSetting,
  portInUseMessage,
  portIsFree,
  type StackPorts,
  stackPorts,
} from './ports';
import { type SpaServer, startSpa } from './spa-server';
import { startStack } from './stack';
import { removeStackState, runningStacks, stateFilesOf, writeStackState } from './stack-state';

/** The ports of this start, by setting: a port error at bind time names the one that owns it. */
let ports: StackPorts = {};
let spa: SpaServer | undefined;

async function main(): Promise<void> {
  requireSupportedNode('npm start');
  loadDotenv();
  const useOkta = Boolean(process.env.OKTA_ISSUER?.trim());
  // Fail now, with the fix in the message, rather than on the first request.
  const table = compileRouteTable(routes);
  checkWiring();
  const settings = resolveSettings(process.env, { localIssuer: !useOkta });

  // The demo app signs users in at the local issuer, or at your Okta org with your SPA app.
  const oktaSpaClientId = process.env.OKTA_SPA_CLIENT_ID?.trim();
  ports = stackPorts(process.env, {
    issuer: !useOkta,
    spa: useOkta ? (oktaSpaClientId ? 'okta' : false) : 'local',
  });
  await checkPortsFree(ports);

  // The demo app listens first: the local issuer needs its origin for the sign-in redirect URI.
  spa = ports.SPA_PORT === undefined ? undefined : await startSpa(ports.SPA_PORT);
  const stack = await startStack({
    apiPort: ports.API_PORT as number,
    issuerPort: ports.ISSUER_PORT,
    spaOrigin: spa?.url,
    env: process.env,
    removeOnKill: stateFilesOf(),
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
  // Whatever launched this (tsx, npm) killed hard: stop too, rather than run on unowned.
  watchLaunchers(() => void stop(0));
  void stack.exited.then((code) => {
    if (!stopping) console.error(`serverless offline exited (code ${code}); stopping.`);
    void stop(code);
  });

  const { apiUrl, issuer } = stack;
  const spaClientId = issuer?.spaClient.id ?? oktaSpaClientId;
  if (spa && spaClientId) {
    const signInScopes = ['openid', 'profile', 'email'];
    spa.configure(
      {
        // The first of several trusted issuers: the one the demo app signs in with.
        issuer: issuer?.issuer ?? (settings.oktaIssuer?.split(',')[0] as string),
        clientId: spaClientId,
        apiUrl,
        scopes: [...signInScopes, ...table.scopes],
      },
      {
        ...apiDocument(apiUrl, issuer?.issuer),
        clientId: spaClientId,
        scopes: signInScopes,
      },
    );
  }
  const apiPort = ports.API_PORT as number;
  const state = issuer && writeStackState(issuer, apiUrl, { apiPort, spaPort: spa?.port });
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

/**
 * The OpenAPI document of this stack, for /docs. A route openapi/operations.ts does not describe
 * yet leaves the API running: /docs says what to add, and so does this line.
 */
function apiDocument(apiUrl: string, issuer?: string): { document?: object; error?: string } {
  try {
    return {
      document: openApiDocument(localTarget(process.env, { apiUrl, issuer }), { routes, callers }),
    };
  } catch (error) {
    if (!(error instanceof OpenApiError)) throw error;
    console.error(`npm start: no API reference at /docs: ${error.message}`);
    return { error: error.message };
  }
}

/** A taken port is named with its fix: the stack already on it (and its pid), or another program. */
async function checkPortsFree(chosen: StackPorts): Promise<void> {
  const hosts: Record<PortSetting, string> = {
    API_PORT: 'localhost',
    ISSUER_PORT: '127.0.0.1',
    SPA_PORT: 'localhost',
  };
  for (const name of Object.keys(chosen) as PortSetting[]) {
    const port = chosen[name] as number;
    // 0: picked free when the server listens.
    if (port === 0 || (await portIsFree(port, hosts[name]))) continue;
    const owner = runningStacks().find(
      (s) => s.apiPort === port || s.issuerPort === port || s.spaPort === port,
    );
    throw new ConfigError(
      owner
        ? `${name} ${port} is taken by a local stack already running (pid ${owner.pid}, ${owner.apiUrl || owner.issuer}). ` +
            `Use that one, or start another beside it: API_PORT=${await nextFreePort(chosen.API_PORT as number)} npm start (its other ports are then picked free).`
        : `${name} ${port} is in use by another program. Set ${name} to a free port, e.g. ${name}=${await nextFreePort(port, hosts[name])} npm start.`,
    );
  }
}

/** The route-access plugin's check, before serverless offline starts (and prints its own banner). */
function checkWiring(): void {
  const config = readServerlessYml();
  wireRoutes(
    routes,
    (config.functions ?? {}) as ServerlessFunctions,
    config.custom.oktaAuthorizer,
    config.custom.oktaDpopAuthorizer,
  );
}

main().catch(async (error: unknown) => {
  const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
  console.error(
    inUse
      ? // Taken between the check and the bind (a stack started at the same moment).
        `npm start: ${portInUseMessage(ports, (error as { port?: number }).port)}`
      : `npm start: ${error instanceof Error ? error.message : String(error)}`,
  );
  await spa?.close();
  process.exit(1);
});
