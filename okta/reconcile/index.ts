/**
 * Makes an Okta org match routes.ts (`plan` lists what `apply` does; `apply` does it). It walks the
 * resources in the order they depend on each other: the authorization server, its scopes, the
 * apps (their client IDs), one access policy per service client and one for the browser app with
 * their rules, then Trusted Origins. Its own resources are found again by name or label (the
 * service and stage prefix), never by a local state file; it never deletes anything, and never
 * changes what it did not create: those only show as notes.
 */
import type { Callers } from '../../route-table/callers';
import type { OrgApi } from '../org';
import { browserLabelOf, reconcileApps } from './apps';
import { reconcileOrigins } from './origins';
import { reconcilePolicies } from './policies';
import { type Outcome, type OrgTarget, Run, type RunOptions } from './run';
import { reconcileServer } from './server';

export type { Change, DeploySettings, Outcome, OrgTarget } from './run';

export async function reconcile(
  org: OrgApi,
  callers: Callers,
  target: OrgTarget,
  options: RunOptions,
): Promise<Outcome> {
  const run = new Run(org, callers, target, options);
  const server = await reconcileServer(run);
  const { clientIds, keyFiles } = await reconcileApps(run);
  await reconcilePolicies(run, server, { clientIds, keyFiles });
  await reconcileOrigins(run);
  const browserLabel = browserLabelOf(target.prefix);
  const ready = server && callers.clients.every((c) => clientIds.has(`${target.prefix}-${c.name}`));
  return {
    changes: run.changes,
    notes: run.notes,
    settings: ready
      ? {
          issuer: server?.issuer ?? '',
          audience: target.audience,
          clients: callers.clients.map((c) => ({
            name: c.name,
            clientId: clientIds.get(`${target.prefix}-${c.name}`) as string,
            dpop: c.dpop,
            keyFile: keyFiles.get(c.name),
          })),
          browserClientId: clientIds.get(browserLabel),
        }
      : undefined,
  };
}
