/**
 * Where the document says the API and its issuer are: the local stack `npm start` runs, or a
 * deployed stage, from that stage's settings alone (no network: the stage's API id is a variable).
 */
import { parseHosts } from '../settings/dpop';
import { parseIssuers } from '../settings/okta';
import type { Target } from './document';

/** The local issuer's authorization server path, as Okta's default server's. */
const LOCAL_AUTH_SERVER = '/oauth2/default';

/**
 * `npm start` with its defaults (API_PORT, ISSUER_PORT), or the ports and issuer given: the local
 * issuer, or the Okta issuer OKTA_ISSUER names (npm start uses it when set).
 */
export function localTarget(
  env: NodeJS.ProcessEnv,
  ports: { apiUrl?: string; issuer?: string } = {},
): Target {
  const apiUrl = ports.apiUrl ?? `http://localhost:${env.API_PORT?.trim() || 3000}`;
  const issuers = env.OKTA_ISSUER?.trim()
    ? parseIssuers(env).map((t) => t.issuer)
    : [ports.issuer ?? `http://127.0.0.1:${env.ISSUER_PORT?.trim() || 4000}${LOCAL_AUTH_SERVER}`];
  return {
    servers: [{ url: apiUrl, description: 'The local stack (npm start).' }],
    issuer: { issuer: issuers[0] as string, others: issuers.slice(1) },
  };
}

/** A deployed stage: its execute-api URL (the API id a variable), and DPOP_HOSTS' custom domains. */
export function stageTarget(env: NodeJS.ProcessEnv, stage: string, region: string): Target {
  const issuers = parseIssuers(env).map((t) => t.issuer);
  return {
    servers: [
      ...parseHosts(env.DPOP_HOSTS).map((host) => ({
        url: `https://${host}`,
        description: `The ${stage} stage's custom domain (DPOP_HOSTS).`,
      })),
      {
        url: `https://{restApiId}.execute-api.${region}.amazonaws.com/${stage}`,
        description: `The ${stage} stage (serverless deploy --stage ${stage} --region ${region}).`,
        variables: {
          restApiId: {
            default: 'restApiId',
            description: `The REST API's id: \`serverless info --stage ${stage}\` prints the URL.`,
          },
        },
      },
    ],
    issuer: { issuer: issuers[0] as string, others: issuers.slice(1) },
  };
}
