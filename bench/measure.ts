export interface Contender {
  name: string;
  /** One operation; `i` counts this contender's calls, so it can take a fresh input each time. */
  op: (i: number) => unknown;
}

export interface Measurement {
  name: string;
  medianUs: number;
  p99Us: number;
  samples: number;
  /** The median of each round: rounds of all contenders ran back to back, so they pair up. */
  roundMediansUs: number[];
}

/**
 * Times every contender call by call, in interleaved rounds (A, B, C, A, B, C...) so that drift
 * in the machine's speed lands on all of them alike, with a full GC before each contender's turn
 * when run with --expose-gc. Each contender warms up first.
 */
export async function compare(
  contenders: Contender[],
  { rounds = 40, opsPerRound = 75, warmup = 500 } = {},
): Promise<Measurement[]> {
  const calls = contenders.map(() => 0);
  const samples = contenders.map(() => new Float64Array(rounds * opsPerRound));
  const run = async (c: number, count: number, record?: Float64Array, offset = 0) => {
    const { op } = contenders[c] as Contender;
    for (let i = 0; i < count; i += 1) {
      const index = calls[c]!++;
      const started = process.hrtime.bigint();
      const result = op(index);
      if (result instanceof Promise) await result;
      if (record) record[offset + i] = Number(process.hrtime.bigint() - started) / 1000;
    }
  };
  for (let c = 0; c < contenders.length; c += 1) await run(c, warmup);
  for (let round = 0; round < rounds; round += 1) {
    for (let c = 0; c < contenders.length; c += 1)
      await run(c, opsPerRound, samples[c], round * opsPerRound);
  }
  return contenders.map(({ name }, c) => {
    const all = samples[c] as Float64Array;
    const roundMediansUs = Array.from({ length: rounds }, (_, round) =>
      percentile(all.slice(round * opsPerRound, (round + 1) * opsPerRound).sort(), 0.5),
    );
    const sorted = all.slice().sort();
    return {
      name,
      medianUs: percentile(sorted, 0.5),
      p99Us: percentile(sorted, 0.99),
      samples: sorted.length,
      roundMediansUs,
    };
  });
}

/**
 * How many times slower `a` is than `b`: the median over rounds of the ratio within each round.
 * The two ran milliseconds apart in every round, so a slow spell of a shared machine lands on
 * both sides of each ratio instead of on one side of a ratio of overall medians.
 */
export function pairedRatio(a: Measurement, b: Measurement): number {
  const ratios = a.roundMediansUs
    .map((us, round) => us / (b.roundMediansUs[round] as number))
    .sort((x, y) => x - y);
  return ratios[Math.floor(ratios.length / 2)] as number;
}

/** How many calls `compare` makes to one contender, warm-up included: inputs it must prepare. */
export const callsPerContender = ({ rounds = 40, opsPerRound = 75, warmup = 500 } = {}) =>
  warmup + rounds * opsPerRound;

function percentile(sorted: Float64Array, p: number): number {
  // Float64Array#sort is numeric.
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}
