/** Small statistics and table helpers shared by every benchmark. */

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** `sorted` ascending; the nearest-rank percentile. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

export const elapsedMs = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function ratio(value: number, baseline: number): string {
  return `${(value / baseline).toFixed(2)}×`;
}

/** One row of the summary table: a figure, its baseline from the same run, and their ratio. */
export function row(name: string, value: string, baselineName: string, baseline: string, valueOverBaseline: number): string {
  return `| ${name} | ${value} | ${baselineName} | ${baseline} | ${valueOverBaseline.toFixed(2)}× |`;
}
