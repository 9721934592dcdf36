/** The authorization server and its scopes: the table's, consent IMPLICIT (client credentials cannot consent). */
import type { Json, OrgServer } from '../org';
import { list, MANAGED, type Run, sameSet } from './run';

export async function reconcileServer(run: Run): Promise<OrgServer | undefined> {
  const { org, target } = run;
  // The authorization server.
  const serverBody = (current?: OrgServer): Json => ({
    ...(current ?? {}),
    name: target.prefix,
    description: MANAGED,
    audiences: [target.audience],
  });
  let server = await org.findServer(target.prefix);
  if (!server) {
    server = await run.change(
      {
        action: 'create',
        what: `authorization server ${target.prefix} (audience ${target.audience})`,
        details: [],
      },
      () => org.createServer(serverBody()),
    );
  } else if (!sameSet(server.audiences, [target.audience])) {
    const current = server;
    server =
      (await run.change(
        {
          action: 'update',
          what: `authorization server ${target.prefix}`,
          details: [`audiences: ${list(current.audiences)} → ${target.audience}`],
        },
        () => org.updateServer(current.id, serverBody(current)),
      )) ?? server;
  }

  await reconcileScopes(run, server);
  return server;
}

async function reconcileScopes(run: Run, server: OrgServer | undefined): Promise<void> {
  const { org, callers } = run;
  const scopes = server ? await org.listScopes(server.id) : [];
  for (const name of callers.scopes) {
    const found = scopes.find((s) => s.name === name);
    const body = (current?: Json): Json => ({
      ...(current ?? {}),
      name,
      description: current?.description ?? `Used by routes.ts. ${MANAGED}`,
      consent: 'IMPLICIT',
      metadataPublish: current?.metadataPublish ?? 'NO_CLIENTS',
    });
    if (!found) {
      await run.change(
        { action: 'create', what: `scope ${name} (consent IMPLICIT)`, details: [] },
        () => org.createScope((server as OrgServer).id, body()),
      );
    } else if (found.consent !== 'IMPLICIT') {
      await run.change(
        {
          action: 'update',
          what: `scope ${name}`,
          details: [`consent: ${found.consent} → IMPLICIT`],
        },
        () => org.updateScope((server as OrgServer).id, found.id, body(found)),
      );
    }
  }
}
