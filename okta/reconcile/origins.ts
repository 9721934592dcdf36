/** Trusted Origins: CORS for the API's origins, CORS and redirect for the browser app's. */
import { list, type Run } from './run';

export async function reconcileOrigins(run: Run): Promise<void> {
  const { org, target } = run;
  const origins = await org.listTrustedOrigins();
  const wantedOrigins = new Map<string, string[]>();
  for (const origin of target.corsOrigins) wantedOrigins.set(origin, ['CORS']);
  for (const origin of target.redirectOrigins) wantedOrigins.set(origin, ['CORS', 'REDIRECT']);
  for (const [origin, types] of wantedOrigins) {
    const name = `${target.prefix} ${origin}`;
    const found = origins.find((o) => o.origin === origin);
    const has = found?.scopes?.map((s) => s.type) ?? [];
    if (!found) {
      await run.change(
        { action: 'create', what: `trusted origin ${origin} (${types.join(', ')})`, details: [] },
        () => org.createTrustedOrigin({ name, origin, scopes: types.map((type) => ({ type })) }),
      );
    } else if (!types.every((t) => has.includes(t))) {
      if (found.name !== name) {
        run.notes.push(
          `trusted origin ${origin} ("${found.name}") lacks ${types.filter((t) => !has.includes(t)).join(', ')} and was not made by this tool: add it in the Admin Console (Security > API > Trusted Origins).`,
        );
        continue;
      }
      const all = [...new Set([...has, ...types])];
      await run.change(
        {
          action: 'update',
          what: `trusted origin ${origin}`,
          details: [`types: ${list(has)} → ${list(all)}`],
        },
        () =>
          org.updateTrustedOrigin(found.id, { ...found, scopes: all.map((type) => ({ type })) }),
      );
    }
  }
}
