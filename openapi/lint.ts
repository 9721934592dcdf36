/**
 * `npm run -s openapi:lint [-- FILE]`: the document `npm run openapi` prints, for the local stack
 * and for a stage (or the document in FILE), checked by Redocly's OpenAPI validator with its
 * recommended rules. Any problem, error or warning, fails it (exit 1), each on one line.
 */
import { readFileSync } from 'node:fs';
import { callers, routes } from '../routes';
import { openApiDocument } from './document';
import { localTarget, stageTarget } from './targets';

/**
 * Every problem Redocly's recommended rules find. `local`: the local stack's document, whose server
 * is on localhost by design, skips the one rule against localhost servers.
 */
export async function lintOpenApi(document: object, { local = false } = {}): Promise<string[]> {
  // Redocly's core is an ES module only.
  const { createConfig, lintFromString } = await import('@redocly/openapi-core');
  const config = await createConfig({
    extends: ['recommended'],
    ...(local && { rules: { 'no-server-example.com': 'off' } }),
  });
  const problems = await lintFromString({
    source: JSON.stringify(document, null, 2),
    absoluteRef: 'openapi.json',
    config,
  });
  return problems.map(
    (p) => `${p.severity} ${p.ruleId}: ${p.message} (${p.location[0]?.pointer ?? ''})`,
  );
}

/** Whether every server of the document is on this machine (the local stack's document). */
function onLoopback(document: { servers?: { url: string }[] }): boolean {
  return (document.servers ?? []).every((s) =>
    /^http:\/\/(localhost|127\.0\.0\.1)[:/]/.test(s.url),
  );
}

if (require.main === module) {
  void (async () => {
    const stage = {
      OKTA_ISSUER: 'https://dev-123456.okta.com/oauth2/default',
      DPOP_HOSTS: 'api.acme.dev',
    };
    const file = process.argv[2];
    const documents: Record<string, object> = file
      ? { [file]: JSON.parse(readFileSync(file, 'utf8')) as object }
      : {
          local: openApiDocument(localTarget({}), { routes, callers }),
          stage: openApiDocument(stageTarget(stage, 'prod', 'us-east-1'), { routes, callers }),
        };
    let failed = false;
    for (const [name, document] of Object.entries(documents)) {
      const problems = await lintOpenApi(document, { local: onLoopback(document) });
      for (const problem of problems) console.log(`${name}: ${problem}`);
      failed ||= problems.length > 0;
    }
    if (!failed)
      console.log("The OpenAPI document is valid: no problem under Redocly's recommended rules.");
    process.exit(failed ? 1 : 0);
  })();
}
