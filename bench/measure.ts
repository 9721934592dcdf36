export interface Measurement {
  name: string;
  medianUs: number;
  p99Us: number;
  ops: number;
}

/**
 * Times `op` call by call after a warm-up; `op(i)` gets the call's index so a contender can take a
 * fresh input each time. Awaits only when `op` returns a promise.
 */
export async function measure(
  name: string,
  op: (i: number) => unknown,
  { ops = 2000, warmup = 500 } = {},
): Promise<Measurement> {
  for (let i = 0; i < warmup; i += 1) await op(i);
  const samples = new Float64Array(ops);
  for (let i = 0; i < ops; i += 1) {
    const started = process.hrtime.bigint();
    const result = op(warmup + i);
    if (result instanceof Promise) await result;
    samples[i] = Number(process.hrtime.bigint() - started) / 1000;
  }
  samples.sort();
  return { name, medianUs: percentile(samples, 0.5), p99Us: percentile(samples, 0.99), ops };
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}
