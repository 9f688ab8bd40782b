// Client for the Prometheus HTTP API v1 that `vigil server` (and Prometheus itself) serves under /api/v1.

export type Labels = Record<string, string>;
export type SamplePair = [number, string];

export interface VectorSample { metric: Labels; value: SamplePair }
export interface MatrixSeries { metric: Labels; values: SamplePair[] }
export type QueryData =
  | { resultType: 'vector'; result: VectorSample[] }
  | { resultType: 'matrix'; result: MatrixSeries[] }
  | { resultType: 'scalar'; result: SamplePair }
  | { resultType: 'string'; result: SamplePair };

export interface Target {
  discoveredLabels: Labels;
  labels: Labels;
  scrapePool: string;
  scrapeUrl: string;
  globalUrl?: string;
  lastError: string;
  lastScrape: string;
  lastScrapeDuration: number;
  health: 'up' | 'down' | 'unknown';
  scrapeInterval?: string;
  scrapeTimeout?: string;
}
export interface DroppedTarget { discoveredLabels: Labels }
export interface TargetsData { activeTargets: Target[]; droppedTargets: DroppedTarget[] }

export interface TsdbStat { name: string; value: number }
export interface TsdbStatus {
  headStats?: { numSeries: number; numLabelPairs?: number; chunkCount: number; minTime: number; maxTime: number };
  seriesCountByMetricName: TsdbStat[] | null;
  labelValueCountByLabelName: TsdbStat[] | null;
  memoryInBytesByLabelName: TsdbStat[] | null;
  seriesCountByLabelValuePair: TsdbStat[] | null;
}

/** An error answer of the API (or a failed request), with Prometheus's errorType when there is one. */
export class ApiRequestError extends Error {
  constructor(
    message: string,
    readonly errorType: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

interface Envelope<T> { status: 'success' | 'error'; data?: T; errorType?: string; error?: string; warnings?: string[] }

/** The API's answer: its data and any warnings. */
export interface ApiResult<T> { data: T; warnings: string[] }

/** GET (or POST with a form body when `form` is given) /api/v1/<path>; throws ApiRequestError on an error answer. */
export async function apiCall<T>(path: string, options: { params?: Record<string, string>; form?: boolean; signal?: AbortSignal } = {}): Promise<ApiResult<T>> {
  const body = new URLSearchParams(options.params ?? {});
  const url = `/api/v1/${path}`;
  let res: Response;
  try {
    res = options.form
      ? await fetch(url, { method: 'POST', body, signal: options.signal, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })
      : await fetch(body.size > 0 ? `${url}?${body.toString()}` : url, { signal: options.signal });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiRequestError(`cannot reach the server: ${err instanceof Error ? err.message : String(err)}`, 'network', 0);
  }
  let env: Envelope<T>;
  try {
    env = (await res.json()) as Envelope<T>;
  } catch {
    throw new ApiRequestError(`the server answered ${res.status} ${res.statusText} without JSON`, 'bad_response', res.status);
  }
  if (env.status !== 'success' || env.data === undefined) {
    throw new ApiRequestError(env.error ?? `HTTP ${res.status}`, env.errorType ?? 'unknown', res.status);
  }
  return { data: env.data, warnings: env.warnings ?? [] };
}
