/**
 * Limits per caller, as a stage deploys them: routes.ts `callers` with their limits, each declared
 * caller's Okta client id (CALLER_CLIENT_IDS, which `npm run okta -- apply --env-file` writes), and
 * the stage's throttle as the ceiling. Nothing deploys with a declared caller folded into `others`.
 */
import { callers as declared, routes } from '../routes';
import {
  BROWSER_APP,
  type Callers,
  type CallersInput,
  compileCallers,
  type Limits,
} from '../route-table/callers';
import type { RouteTableInput } from '../route-table/compile';
import {
  apiCallersSetting,
  callersNeedingIds,
  type UsagePlan,
  usagePlans,
} from '../route-table/usage-plans';
import { ConfigError } from './errors';

export interface CallerSettings {
  plans: UsagePlan[];
  /** API_CALLERS, for the authorizers: empty without limits. */
  apiCallers: string;
}

const FIX = 'run `npm run okta -- apply --env-file` (it writes CALLER_CLIENT_IDS to .env.<stage>)';

export function callerSettings(
  env: NodeJS.ProcessEnv,
  options: {
    /** `npm start` before its local issuer is up: the ids are the callers' names. */
    localIssuer: boolean;
    service: string;
    stage: string;
    throttleRate: number;
    throttleBurst: number;
  },
  input: { callers: CallersInput; routes: RouteTableInput } = { callers: declared, routes },
): CallerSettings {
  const callers = compileCallers(input.callers, input.routes);
  underStageThrottle(callers, options.throttleRate, options.throttleBurst);
  const needed = callersNeedingIds(callers);
  const known = [
    ...callers.clients.map((c) => c.name),
    ...(callers.browserApp ? [BROWSER_APP] : []),
  ];
  const ids = options.localIssuer
    ? new Map(needed.map((name) => [name, name]))
    : clientIds(env.CALLER_CLIENT_IDS, needed, known);
  const plans = usagePlans(callers, ids, options);
  return { plans, apiCallers: apiCallersSetting(plans) };
}

/**
 * CALLER_CLIENT_IDS: `name=clientId,...` (the browser app's name: browser-app). Every caller in
 * `needed` (those with limits) must have one; a name routes.ts does not declare is refused.
 */
export function clientIds(
  raw: string | undefined,
  needed: string[],
  known: string[] = needed,
): Map<string, string> {
  const ids = new Map<string, string>();
  for (const entry of (raw ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const match = /^([a-z][a-z0-9-]*)=([\w.-]+)$/.exec(entry);
    if (!match) {
      throw new ConfigError(
        `CALLER_CLIENT_IDS has ${JSON.stringify(entry)}: write name=clientId, comma-separated (e.g. reporting-job=0oa1b2c3d4,${BROWSER_APP}=0oa5e6f7g8), or ${FIX}.`,
      );
    }
    const [, name, id] = match as unknown as [string, string, string];
    if (!known.includes(name)) {
      throw new ConfigError(
        `CALLER_CLIENT_IDS names ${name}, which routes.ts callers does not declare (${known.join(', ') || 'none'}): remove it, or ${FIX}.`,
      );
    }
    ids.set(name, id);
  }
  const missing = needed.filter((name) => !ids.has(name));
  if (missing.length > 0) {
    throw new ConfigError(
      `CALLER_CLIENT_IDS has no client id for ${missing.join(', ')}: ${FIX}, or set CALLER_CLIENT_IDS=${missing.map((n) => `${n}=<client id>`).join(',')}.`,
    );
  }
  return ids;
}

/** A caller's rate or burst above the stage's: the stage throttle is the hard cap. */
function underStageThrottle(callers: Callers, rate: number, burst: number): void {
  const limited: [string, Limits | undefined][] = [
    ...callers.clients.map((c): [string, Limits | undefined] => [
      `callers.clients.${c.name}`,
      c.limits,
    ]),
    ['callers.browserApp', callers.browserApp?.limits],
    ['callers.others', callers.othersLimits],
  ];
  for (const [where, limits] of limited) {
    if (limits && limits.rate > rate) {
      throw new ConfigError(
        `${where}.limits.rate (${limits.rate}) is above the stage's API_THROTTLE_RATE (${rate}): lower it in routes.ts, or raise API_THROTTLE_RATE.`,
      );
    }
    if (limits && limits.burst > burst) {
      throw new ConfigError(
        `${where}.limits.burst (${limits.burst}) is above the stage's API_THROTTLE_BURST (${burst}): lower it in routes.ts, or raise API_THROTTLE_BURST.`,
      );
    }
  }
}
