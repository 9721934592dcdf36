/** The DPoP authorizer's settings: its replay table, the hosts a proof may name, the proof window. */
import { ConfigError } from './errors';

/** What the REQUEST authorizer needs beyond the TOKEN authorizer's configuration. */
export interface DpopConfig {
  /** The DynamoDB table that holds each proof's `jti` until it expires. */
  replayTable: string;
  /** Hosts a proof's `htu` may name besides the API's execute-api domain (custom domains, local). */
  hosts: string[];
  /** How old a proof may be, and how far ahead of our clock, in seconds. */
  maxAgeSeconds: number;
  futureSkewSeconds: number;
}

export function loadDpopConfig(env: NodeJS.ProcessEnv = process.env): DpopConfig {
  const replayTable = env.DPOP_REPLAY_TABLE?.trim();
  if (!replayTable) {
    throw new ConfigError(
      'DPOP_REPLAY_TABLE is not set: the DPoP authorizer needs its replay table (serverless.yml sets it from the DpopReplayTable resource).',
    );
  }
  return {
    replayTable,
    hosts: parseHosts(env.DPOP_HOSTS),
    maxAgeSeconds: seconds('DPOP_PROOF_MAX_AGE', env.DPOP_PROOF_MAX_AGE, 60, 5, 300),
    futureSkewSeconds: seconds('DPOP_PROOF_FUTURE_SKEW', env.DPOP_PROOF_FUTURE_SKEW, 5, 0, 60),
  };
}

export function parseHosts(raw: string | undefined): string[] {
  const hosts = (raw ?? '')
    .split(',')
    .map((host) => host.trim().toLowerCase())
    .filter(Boolean);
  for (const host of hosts) {
    if (!/^[a-z0-9.-]+(:\d{1,5})?$/.test(host) && !/^\[::1\](:\d{1,5})?$/.test(host)) {
      throw new ConfigError(
        `DPOP_HOSTS has ${JSON.stringify(host)}, which is not a host name: list your custom domains, e.g. api.example.com,api.example.org.`,
      );
    }
  }
  return hosts;
}

function seconds(
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(
      `${name} must be a whole number of seconds from ${min} to ${max}, not ${JSON.stringify(raw)}.`,
    );
  }
  return value;
}
