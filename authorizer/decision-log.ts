/** What both authorizers share around a decision: the route a request is for, and the decision line. */
import type { Decision } from './decision';
import { logger } from './logger';
import { memo } from './memo';
import { type MethodArn, parseMethodArn } from './policy';
import {
  pathSegments,
  type ProtectedRoute,
  type ProtectedRoutes,
  routeOf,
} from '../route-table/compiled';

export interface Target extends MethodArn {
  route: ProtectedRoute | undefined;
}

/** The stage and the table's route a methodArn names; one entry per distinct request path, bounded. */
export const targetsIn = (table: ProtectedRoutes) =>
  memo(1024, (methodArn: string): Target => {
    const arn = parseMethodArn(methodArn);
    // Only protected routes reach the authorizer: the one API Gateway chose wins among them too.
    return { ...arn, route: routeOf(table.protectedRoutes, arn.method, pathSegments(arn.path)) };
  });

/** `caller`: the name routes.ts gives the token's client (authorizer/callers.ts), when known. */
export function logDecision(
  decision: Decision,
  target: Target,
  durationMs: number,
  caller?: string,
): void {
  const claims = 'claims' in decision ? decision.claims : undefined;
  const entry = {
    outcome: decision.outcome,
    reason: 'reason' in decision ? decision.reason : 'ok',
    sub: claims?.sub,
    cid: claims?.cid,
    caller,
    // Which trusted issuer (OKTA_ISSUER may list several) the token came from.
    iss: claims?.issuer,
    route: target.route?.key ?? `${target.method} ${target.path}`,
    durationMs: Math.round(durationMs * 1000) / 1000,
  };
  switch (decision.outcome) {
    case 'allow':
      return logger().debug('authorization decision', entry);
    case 'deny':
      return logger().info('authorization decision', {
        ...entry,
        ...(decision.reason === 'insufficient_scope' && {
          required: decision.route.requirement,
          missingScopes: decision.missingScopes,
        }),
      });
    case 'unauthorized':
      return logger().info('authorization decision', {
        ...entry,
        detail: truncate(decision.detail),
      });
    case 'error':
      return logger().error('authorization decision', { ...entry, error: decision.error });
  }
}

function truncate(text: string | undefined): string | undefined {
  return text && text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
