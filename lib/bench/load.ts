// One autocannon run against one URL, with exact p50/p95 from every response's latency.
import autocannon from 'autocannon';

export type LoadResult = { p50: number; p95: number; rps: number; requests: number; errors: number; non2xx: number };

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

type LoadOptions = { cookie?: string; connections: number; durationSeconds: number };
type RawRun = { latencies: number[]; seconds: number; requests: number; errors: number; non2xx: number };

export async function load(url: string, options: LoadOptions): Promise<LoadResult> {
  return summarize([await run(url, options)]);
}

/**
 * Two URLs measured in alternation, `rounds` times each (A, B, A, B, …), every run lasting
 * `durationSeconds / rounds`: on a machine whose speed drifts (a shared VM), both see the same
 * drift, so their ratio is steadier than with one run of each.
 */
export async function loadAlternating(
  a: { url: string; cookie?: string },
  b: { url: string; cookie?: string },
  options: { connections: number; durationSeconds: number; rounds: number },
): Promise<[LoadResult, LoadResult]> {
  const runsA: RawRun[] = [];
  const runsB: RawRun[] = [];
  const durationSeconds = Math.max(1, Math.round(options.durationSeconds / options.rounds));
  for (let round = 0; round < options.rounds; round++) {
    runsA.push(await run(a.url, { cookie: a.cookie, connections: options.connections, durationSeconds }));
    runsB.push(await run(b.url, { cookie: b.cookie, connections: options.connections, durationSeconds }));
  }
  return [summarize(runsA), summarize(runsB)];
}

function summarize(runs: RawRun[]): LoadResult {
  const latencies = runs.flatMap((r) => r.latencies).sort((x, y) => x - y);
  const seconds = runs.reduce((sum, r) => sum + r.seconds, 0);
  const requests = runs.reduce((sum, r) => sum + r.requests, 0);
  return {
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    rps: seconds > 0 ? requests / seconds : NaN,
    requests,
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    non2xx: runs.reduce((sum, r) => sum + r.non2xx, 0),
  };
}

async function run(url: string, options: LoadOptions): Promise<RawRun> {
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections: options.connections,
        duration: options.durationSeconds,
        headers: options.cookie ? { cookie: options.cookie } : {},
      },
      (error, res) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(res)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  return { latencies, seconds: result.duration, requests: result.requests.total, errors: result.errors + result.timeouts, non2xx: result.non2xx };
}
