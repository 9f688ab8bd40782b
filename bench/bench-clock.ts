// Timing for benchmarks on a shared machine: wall time and this process's CPU time (user + system).

export interface Timing {
  wallSeconds: number;
  cpuSeconds: number;
}

/** Starts a measurement; call the returned function to stop it. */
export function startTiming(): () => Timing {
  const wall = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  return () => {
    const c = process.cpuUsage(cpu);
    return { wallSeconds: Number(process.hrtime.bigint() - wall) / 1e9, cpuSeconds: (c.user + c.system) / 1e6 };
  };
}

/** "1.23 M/s (wall), 2.34 M/s per CPU-second" — the second figure is what one idle core would do. */
export function rate(n: number, t: Timing, unit = 'samples'): string {
  return `${(n / t.wallSeconds / 1e6).toFixed(2)} M ${unit}/s wall, ${(n / t.cpuSeconds / 1e6).toFixed(2)} M ${unit}/s per CPU-second`;
}
