/**
 * API Gateway's usage plans, as the local gateway applies them to the API key the authorizer
 * names: per key, a token bucket (`burst` requests at most, refilled at `rate` a second) and a
 * quota per period (UTC day, week from Sunday, month from the 1st, as API Gateway counts with no
 * offset). API Gateway calls its own limits best-effort; these are exact.
 */
export interface UsagePlanLimits {
  /** The API key's value. */
  key: string;
  /** The caller it belongs to (routes.ts callers). */
  caller: string;
  rate: number;
  burst: number;
  quota?: { limit: number; period: 'DAY' | 'WEEK' | 'MONTH' };
}

export type UsageVerdict = 'ok' | 'unknown_key' | 'throttled' | 'quota_exceeded';

export interface UsageLimitsOptions {
  /** Milliseconds since the epoch; tests move it. */
  now?: () => number;
  /** Every quota period this many seconds instead (LOCAL_QUOTA_PERIOD_SECONDS, for trying it). */
  periodSeconds?: number;
}

interface State {
  plan: UsagePlanLimits;
  tokens: number;
  refilledAt: number;
  period: number;
  used: number;
}

export class UsageLimits {
  private readonly states = new Map<string, State>();
  private readonly now: () => number;

  constructor(
    plans: UsagePlanLimits[],
    private readonly options: UsageLimitsOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    const at = this.now();
    for (const plan of plans) {
      this.states.set(plan.key, { plan, tokens: plan.burst, refilledAt: at, period: 0, used: 0 });
    }
  }

  /** The plan of `key`, or undefined for a key no plan has. */
  callerOf(key: string | undefined): string | undefined {
    return key === undefined ? undefined : this.states.get(key)?.plan.caller;
  }

  /** Takes one request from `key`'s plan, or says why not. */
  take(key: string | undefined): UsageVerdict {
    const state = key === undefined ? undefined : this.states.get(key);
    if (!state) return 'unknown_key';
    const now = this.now();
    const { plan } = state;
    if (plan.quota) {
      const period = this.periodOf(plan.quota.period, now);
      if (period !== state.period) {
        state.period = period;
        state.used = 0;
      }
      if (state.used >= plan.quota.limit) return 'quota_exceeded';
    }
    state.tokens = Math.min(
      plan.burst,
      state.tokens + ((now - state.refilledAt) / 1000) * plan.rate,
    );
    state.refilledAt = now;
    if (state.tokens < 1) return 'throttled';
    state.tokens -= 1;
    state.used += 1;
    return 'ok';
  }

  /** Which period `now` falls in: its start, in milliseconds. */
  private periodOf(period: 'DAY' | 'WEEK' | 'MONTH', now: number): number {
    if (this.options.periodSeconds) {
      const length = this.options.periodSeconds * 1000;
      return Math.floor(now / length) * length;
    }
    const date = new Date(now);
    const day = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
    if (period === 'DAY') return day;
    if (period === 'WEEK') return day - date.getUTCDay() * 86_400_000;
    return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  }
}
