import { readFileSync } from 'node:fs';

/** Small helpers shared by the benchmarks: percentiles, steady-rate and throughput drivers, a process's CPU. */

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export function summarise(samples: number[]): { n: number; mean: number; p50: number; p99: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, value) => sum + value, 0) / Math.max(sorted.length, 1);
  return { n: sorted.length, mean, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN };
}

export const fmt = (value: number, digits = 2): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

/** Calls `fire(i)` `total` times at `ratePerSecond`, without waiting for answers to keep the pace. */
export async function atFixedRate(total: number, ratePerSecond: number, fire: (i: number) => Promise<void>): Promise<void> {
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / ratePerSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(fire(i));
  }
  await Promise.all(inFlight);
}

/** Runs `fire` with `concurrency` workers until `total` calls are done; returns calls per second. */
export async function throughput(total: number, concurrency: number, fire: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await fire(next++);
    }),
  );
  return total / ((performance.now() - start) / 1000);
}

export function verdict(ok: boolean, text: string): string {
  return `${ok ? 'MET' : 'NOT MET'}: ${text}`;
}

/** CPU seconds of a process by its id: utime and stime of /proc/<pid>/stat, in clock ticks of 1/100 s. */
export function processCpuSeconds(pid: number | string | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}
