/** Small numeric helpers shared by the benchmark sections. */

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Milliseconds with as many decimals as are meaningful at that size. */
export function fmt(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

/** One line: what was compared, the ratio, its target (the ratio must not exceed it) and whether it is met. */
export function verdict(label: string, ratio: number, target: number): string {
  return `  ${label}: ratio ${ratio.toFixed(2)} (target ≤ ${target}): ${ratio <= target ? 'met' : 'not met'}`;
}
