import { UsageLimits } from '../../../local/usage-limits';

// The local gateway's usage plans: API Gateway's token bucket (burst the size, rate the refill
// per second) and quota periods, per API key, on a clock the test moves.
const at = (iso: string) => Date.parse(iso);
function limits(
  plan: Partial<ConstructorParameters<typeof UsageLimits>[0][number]>,
  start: string,
) {
  let now = at(start);
  const usage = new UsageLimits([{ key: 'k', caller: 'job', rate: 2, burst: 4, ...plan }], {
    now: () => now,
  });
  return {
    usage,
    take: (n = 1) => Array.from({ length: n }, () => usage.take('k')),
    advance: (ms: number) => {
      now += ms;
    },
    set: (iso: string) => {
      now = at(iso);
    },
  };
}

it('lets a burst through at once, then the rate', () => {
  const l = limits({}, '2026-12-01T00:00:00Z');
  expect(l.take(5)).toEqual(['ok', 'ok', 'ok', 'ok', 'throttled']);
  l.advance(500); // one token back at 2 a second
  expect(l.take(2)).toEqual(['ok', 'throttled']);
  l.advance(10_000); // never more than the burst
  expect(l.take(5)).toEqual(['ok', 'ok', 'ok', 'ok', 'throttled']);
});

it('a key no plan has, or none, is unknown', () => {
  const { usage } = limits({}, '2026-12-01T00:00:00Z');
  expect(usage.take('other')).toBe('unknown_key');
  expect(usage.take(undefined)).toBe('unknown_key');
  expect(usage.callerOf('k')).toBe('job');
  expect(usage.callerOf('other')).toBeUndefined();
});

it.each([
  ['DAY', '2026-12-01T23:59:59Z', '2026-12-02T00:00:00Z'],
  // A week from Sunday (API Gateway's, with no offset): 2026-12-05 is a Saturday.
  ['WEEK', '2026-12-05T23:59:59Z', '2026-12-06T00:00:00Z'],
  ['MONTH', '2026-12-31T23:59:59Z', '2027-01-01T00:00:00Z'],
] as const)('a %s quota is spent until its period ends, UTC', (period, last, next) => {
  const l = limits(
    { rate: 100, burst: 100, quota: { limit: 3, period } },
    last.replace(/T.*/, 'T00:00:01Z'),
  );
  expect(l.take(4)).toEqual(['ok', 'ok', 'ok', 'quota_exceeded']);
  l.set(last);
  expect(l.take()).toEqual(['quota_exceeded']);
  l.set(next);
  expect(l.take(4)).toEqual(['ok', 'ok', 'ok', 'quota_exceeded']);
});

it('a throttled request does not count toward the quota', () => {
  const l = limits(
    { rate: 1, burst: 1, quota: { limit: 2, period: 'DAY' } },
    '2026-12-01T00:00:00Z',
  );
  expect(l.take(3)).toEqual(['ok', 'throttled', 'throttled']);
  l.advance(1000);
  expect(l.take()).toEqual(['ok']);
  l.advance(1000);
  expect(l.take()).toEqual(['quota_exceeded']);
});

it('LOCAL_QUOTA_PERIOD_SECONDS makes every period that long', () => {
  let now = at('2026-12-01T00:00:00Z');
  const usage = new UsageLimits(
    [{ key: 'k', caller: 'job', rate: 100, burst: 100, quota: { limit: 1, period: 'MONTH' } }],
    { now: () => now, periodSeconds: 5 },
  );
  expect([usage.take('k'), usage.take('k')]).toEqual(['ok', 'quota_exceeded']);
  now += 5000;
  expect(usage.take('k')).toBe('ok');
});
