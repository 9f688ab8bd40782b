// A deterministic OpenMetrics backfill file with the metric names of prometheus-demo-service, for PromQL comparisons.

const INSTANCES = ['demo.promlabs.com:10000', 'demo.promlabs.com:10001', 'demo.promlabs.com:10002'];
const LE = ['0.0002', '0.0004', '0.0008', '0.0016', '0.0032', '0.0064', '0.0128', '0.0256', '0.0512', '+Inf'];

export interface DemoData {
  /** The OpenMetrics text (timestamps in seconds, `# EOF` at the end). */
  readonly text: string;
  /** First and last sample time, ms. */
  readonly start: number;
  readonly end: number;
}

/** A smooth, deterministic pseudo-random walk in [0, 1) for series `seed` at step `k`. */
function wave(seed: number, k: number): number {
  const x = Math.sin(k / 37 + seed * 1.7) * 0.5 + Math.sin(k / 11 + seed * 3.1) * 0.3 + Math.sin(k * 0.9 + seed) * 0.2;
  return (x + 1) / 2;
}

/**
 * Samples every 5 s from `start` for `points` steps. Timestamps sit 1.234 s off the 5 s grid so that no range or
 * lookback boundary of queries on a 10 s grid falls on a sample (the 2.42 → 3.x left-open change then does not
 * matter). One counter resets once; `demo_intermittent_metric` is absent half of the time.
 */
export function demoOpenMetrics(startMs: number, points: number): DemoData {
  const start = Math.floor(startMs / 5000) * 5000 + 1234;
  const ts = (k: number): string => ((start + k * 5000) / 1000).toFixed(3);
  const out: string[] = [];
  const family = (name: string, type: string, help: string): void => {
    out.push(`# TYPE ${name} ${type}`, `# HELP ${name} ${help}`);
  };
  family('demo_memory_usage_bytes', 'gauge', 'Memory usage in bytes.');
  INSTANCES.forEach((inst, i) => {
    ['buffers', 'cached', 'free', 'used'].forEach((type, j) => {
      for (let k = 0; k < points; k++) {
        const v = Math.round(1e9 * (1 + j) * (0.5 + wave(i * 4 + j, k)));
        out.push(`demo_memory_usage_bytes{instance="${inst}",job="demo",type="${type}"} ${v} ${ts(k)}`);
      }
    });
  });
  family('demo_num_cpus', 'gauge', 'The number of CPUs.');
  INSTANCES.forEach((inst, i) => {
    for (let k = 0; k < points; k++) out.push(`demo_num_cpus{instance="${inst}",job="demo"} ${4 + i * 2} ${ts(k)}`);
  });
  family('demo_cpu_usage_seconds', 'counter', 'Total CPU usage in seconds.');
  INSTANCES.forEach((inst, i) => {
    ['idle', 'system', 'user'].forEach((mode, j) => {
      let c = 100 * (i + 1) * (j + 1);
      for (let k = 0; k < points; k++) {
        if (i === 1 && j === 2 && k === Math.floor(points * 0.8)) c = 0;
        c += 5 * (1 + j) * wave(i * 3 + j + 20, k);
        out.push(`demo_cpu_usage_seconds_total{instance="${inst}",job="demo",mode="${mode}"} ${c.toFixed(6)} ${ts(k)}`);
      }
    });
  });
  family('demo_disk_usage_bytes', 'gauge', 'Disk usage in bytes.');
  INSTANCES.forEach((inst, i) => {
    for (let k = 0; k < points; k++) {
      out.push(`demo_disk_usage_bytes{instance="${inst}",job="demo"} ${Math.round(5e10 + k * 1e6 * (i + 1) + 3e7 * wave(i + 40, k))} ${ts(k)}`);
    }
  });
  family('demo_api_request_duration_seconds', 'histogram', 'Request duration.');
  INSTANCES.forEach((inst, i) => {
    ['/api/foo', '/api/bar'].forEach((path, j) => {
      const counts = LE.map(() => 0);
      let sum = 0;
      for (let k = 0; k < points; k++) {
        const n = 20 + Math.floor(30 * wave(i * 2 + j + 60, k));
        const shift = wave(i * 2 + j + 80, k);
        for (let b = 0; b < LE.length; b++) {
          const share = b === LE.length - 1 ? 1 : Math.min(1, ((b + 1) / LE.length) * (0.6 + shift));
          counts[b] = (counts[b] as number) + Math.floor(n * share);
        }
        for (let b = 1; b < LE.length; b++) counts[b] = Math.max(counts[b] as number, counts[b - 1] as number);
        sum += n * 0.003 * (1 + shift);
        const labels = `instance="${inst}",job="demo",method="GET",path="${path}"`;
        for (let b = 0; b < LE.length; b++) out.push(`demo_api_request_duration_seconds_bucket{${labels},le="${LE[b]}"} ${counts[b]} ${ts(k)}`);
        out.push(`demo_api_request_duration_seconds_count{${labels}} ${counts[LE.length - 1]} ${ts(k)}`);
        out.push(`demo_api_request_duration_seconds_sum{${labels}} ${sum.toFixed(6)} ${ts(k)}`);
      }
    });
  });
  family('demo_batch_last_success_timestamp_seconds', 'gauge', 'Time of the last successful batch run.');
  INSTANCES.forEach((inst, i) => {
    for (let k = 0; k < points; k++) {
      const last = start / 1000 + Math.floor(k / (60 + i * 12)) * (60 + i * 12) * 5;
      out.push(`demo_batch_last_success_timestamp_seconds{instance="${inst}",job="demo"} ${last.toFixed(3)} ${ts(k)}`);
    }
  });
  family('demo_intermittent_metric', 'gauge', 'A metric that comes and goes.');
  INSTANCES.forEach((inst, i) => {
    for (let k = 0; k < points; k++) {
      if (Math.floor(k / 90) % 2 === i % 2) out.push(`demo_intermittent_metric{instance="${inst}",job="demo"} ${k % 7} ${ts(k)}`);
    }
  });
  out.push('# EOF', '');
  return { text: out.join('\n'), start, end: start + (points - 1) * 5000 };
}
