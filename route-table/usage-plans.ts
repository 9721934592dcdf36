/**
 * Limits per caller, as API Gateway applies them: one usage plan and one API key per caller that
 * routes.ts declares with limits, and one for `others` (any other valid token). With the REST
 * API's key source AUTHORIZER, the authorizer names the key of the token's client
 * (`usageIdentifierKey`) and API Gateway meters that caller's plan; callers never send a key.
 *
 * A key's value is not a secret (API Gateway ignores `x-api-key` with that source), but it is
 * unique to the service, stage and caller and the same at every deploy: derived from them.
 */
import { createHash } from 'node:crypto';
import { BROWSER_APP, type Callers, type Limits, OTHERS } from './callers';

export interface UsagePlan {
  /** The caller's name: a service client's, `browser-app` or `others`. */
  caller: string;
  /** The plan's name in serverless.yml (letters and digits: CloudFormation's logical ids). */
  plan: string;
  limits: Limits;
  /** The API key's value: 40 hex digits (API Gateway takes 20 to 128 characters). */
  key: string;
  /** The Okta client ids whose tokens use this plan; `*` for others. */
  clientIds: string[];
}

/** The client id of each declared caller with limits, by name (CALLER_CLIENT_IDS, or locally the name). */
export type ClientIds = ReadonlyMap<string, string>;

export function usagePlans(
  callers: Callers,
  clientIds: ClientIds,
  { service, stage }: { service: string; stage: string },
): UsagePlan[] {
  if (!callers.othersLimits) return [];
  const declared = [
    ...callers.clients.map((client) => ({ caller: client.name, limits: client.limits })),
    ...(callers.browserApp ? [{ caller: BROWSER_APP, limits: callers.browserApp.limits }] : []),
  ];
  const plans = declared
    .filter((c): c is { caller: string; limits: Limits } => c.limits !== undefined)
    .map(({ caller, limits }) => ({
      caller,
      limits,
      clientIds: [clientIds.get(caller) as string],
    }));
  return [...plans, { caller: OTHERS, limits: callers.othersLimits, clientIds: ['*'] }].map(
    (plan) => ({
      ...plan,
      plan: plan.caller.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase()),
      key: createHash('sha256')
        .update(`${service}:${stage}:${plan.caller}`)
        .digest('hex')
        .slice(0, 40),
    }),
  );
}

/** The callers whose client id the stage needs: those with limits (others has none). */
export function callersNeedingIds(callers: Callers): string[] {
  if (!callers.othersLimits) return [];
  return [
    ...callers.clients.filter((c) => c.limits).map((c) => c.name),
    ...(callers.browserApp?.limits ? [BROWSER_APP] : []),
  ];
}

/**
 * What the authorizers read at their cold start (API_CALLERS): `name=clientId=key`, comma-separated,
 * `others=*=key` last. Client ids and keys hold no `=` or `,`.
 */
export function apiCallersSetting(plans: UsagePlan[]): string {
  return plans
    .flatMap((plan) => plan.clientIds.map((id) => `${plan.caller}=${id}=${plan.key}`))
    .join(',');
}
