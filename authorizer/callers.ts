/**
 * Which caller a token's client is (routes.ts callers, route-table/usage-plans.ts): its name for
 * the logs, and the API key of its usage plan, which the authorizer returns as
 * `usageIdentifierKey` so API Gateway meters that caller's limits. A client the table does not
 * declare is `others`. It depends on the client id alone, so a cached answer stays right.
 */
import { ConfigError } from '../settings/errors';

export interface Caller {
  name: string;
  /** The usage plan's API key value (not a secret: callers never send it). */
  key: string;
}

export interface Callers {
  /** Undefined when the stage has no limits per caller (API_CALLERS empty). */
  of(clientId: string | undefined): Caller | undefined;
}

const ENTRY = /^([a-z][a-z0-9-]*)=([^=,\s]+)=([A-Za-z0-9]{20,128})$/;

/** API_CALLERS: `name=clientId=key`, comma-separated; `others=*=key` for every other client. */
export function loadCallers(env: NodeJS.ProcessEnv = process.env): Callers {
  const byClient = new Map<string, Caller>();
  let others: Caller | undefined;
  for (const entry of (env.API_CALLERS ?? '').split(',').filter(Boolean)) {
    const match = ENTRY.exec(entry);
    if (!match) {
      throw new ConfigError(
        `API_CALLERS has ${JSON.stringify(entry.split('=')[0])} malformed: serverless.yml sets it from routes.ts callers; package again.`,
      );
    }
    const [, name, clientId, key] = match as unknown as [string, string, string, string];
    if (clientId === '*') others = { name, key };
    else byClient.set(clientId, { name, key });
  }
  if (byClient.size > 0 && !others) {
    throw new ConfigError(
      'API_CALLERS has no entry for others: serverless.yml sets it from routes.ts callers; package again.',
    );
  }
  return { of: (clientId) => (clientId && byClient.get(clientId)) || others };
}
