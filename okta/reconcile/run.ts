/**
 * One reconcile run: what it changes (under apply, as it goes) and what it leaves alone. Every
 * step (server, apps, policies, origins) records into the same list, which `plan` prints and
 * `apply` carries out.
 */
import type { Callers } from '../../route-table/callers';
import type { AppKeys } from '../keys';
import type { OrgApi } from '../org';

export interface OrgTarget {
  /** `<service>-<stage>`: the authorization server's name and every label's prefix. */
  prefix: string;
  audience: string;
  /** CORS_ORIGINS (not `*`) and the browser app's origins. */
  corsOrigins: string[];
  redirectOrigins: string[];
}

export interface Change {
  action: 'create' | 'update';
  /** What, in words: `scope AccessAll`, `rule "client credentials" of policy "client reporting-job"`. */
  what: string;
  /** For updates: each setting that differs, `name: now → wanted`. */
  details: string[];
}

export interface Outcome {
  changes: Change[];
  /** Things it will not touch: resources it did not create that get in the way. */
  notes: string[];
  /** Set after apply, or when everything exists already. */
  settings?: DeploySettings;
}

export interface DeploySettings {
  issuer: string;
  audience: string;
  clients: { name: string; clientId: string; dpop: boolean; keyFile?: string }[];
  browserClientId?: string;
}

export interface RunOptions {
  apply: boolean;
  keys: AppKeys;
  log?: (line: string) => void;
}

export const MANAGED =
  'Managed by npm run okta from routes.ts: changes made here are undone by apply.';

export const sameSet = (a: readonly string[] = [], b: readonly string[] = []) =>
  a.length === b.length && a.every((x) => b.includes(x)) && b.every((x) => a.includes(x));
export const list = (values: readonly string[] | undefined) =>
  values?.length ? values.join(' ') : '(none)';

export class Run {
  readonly changes: Change[] = [];
  /** Things it will not touch: resources it did not create that get in the way. */
  readonly notes: string[] = [];

  constructor(
    readonly org: OrgApi,
    readonly callers: Callers,
    readonly target: OrgTarget,
    readonly options: RunOptions,
  ) {}

  /** Records a change; under apply, makes it and says so. */
  async change<T>(c: Change, make: () => Promise<T>): Promise<T | undefined> {
    this.changes.push(c);
    if (!this.options.apply) return undefined;
    const made = await make();
    (this.options.log ?? (() => undefined))(
      `${c.action === 'create' ? '+ created' : '~ updated'} ${c.what}`,
    );
    return made;
  }
}
