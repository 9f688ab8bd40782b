// The TSDB's counters and gauges exported under Prometheus's metric names on /metrics.

import type { MetricsRegistry } from '../model/metrics-registry.js';
import type { TsdbStats } from '../tsdb/tsdb-stats.js';

type Field = { [K in keyof TsdbStats]: TsdbStats[K] extends number ? K : never }[keyof TsdbStats];

const EXPORTS: readonly (readonly [name: string, help: string, field: Field, type: 'counter' | 'gauge', labels?: Readonly<Record<string, string>>])[] = [
  ['prometheus_tsdb_head_series', 'Total number of series in the head block.', 'headSeries', 'gauge'],
  ['prometheus_tsdb_head_series_created_total', 'Total number of series created in the head', 'headSeriesCreatedTotal', 'counter'],
  ['prometheus_tsdb_head_series_removed_total', 'Total number of series removed in the head', 'headSeriesRemovedTotal', 'counter'],
  ['prometheus_tsdb_head_samples_appended_total', 'Total number of appended samples.', 'headSamplesAppendedTotal', 'counter', { type: 'float' }],
  ['prometheus_tsdb_head_chunks', 'Total number of chunks in the head block.', 'headChunks', 'gauge'],
  ['prometheus_tsdb_head_chunks_created_total', 'Total number of chunks created in the head', 'headChunksCreatedTotal', 'counter'],
  ['prometheus_tsdb_head_chunks_removed_total', 'Total number of chunks removed in the head', 'headChunksRemovedTotal', 'counter'],
  ['prometheus_tsdb_out_of_order_samples_total', 'Total number of out of order samples ingestion failed attempts.', 'outOfOrderSamplesTotal', 'counter', { type: 'float' }],
  ['prometheus_tsdb_out_of_bound_samples_total', 'Total number of out of bound samples ingestion failed attempts.', 'outOfBoundSamplesTotal', 'counter', { type: 'float' }],
  ['prometheus_tsdb_head_min_time', 'Minimum time bound of the head block.', 'headMinTime', 'gauge'],
  ['prometheus_tsdb_head_max_time', 'Maximum timestamp of the head block.', 'headMaxTime', 'gauge'],
  ['prometheus_tsdb_head_truncations_total', 'Total number of head truncations attempted.', 'headTruncationsTotal', 'counter'],
  ['prometheus_tsdb_wal_corruptions_total', 'Total number of WAL corruptions.', 'walCorruptionsTotal', 'counter'],
  ['prometheus_tsdb_wal_truncations_total', 'Total number of write log truncations attempted.', 'walTruncationsTotal', 'counter'],
  ['prometheus_tsdb_wal_writes_failed_total', 'Total number of write log writes that failed.', 'walWritesFailedTotal', 'counter'],
  ['prometheus_tsdb_wal_segment_current', 'Write log segment index that TSDB is currently writing to.', 'walSegmentCurrent', 'gauge'],
  ['prometheus_tsdb_checkpoint_creations_total', 'Total number of checkpoint creations attempted.', 'checkpointCreationsTotal', 'counter'],
  ['prometheus_tsdb_checkpoint_creations_failed_total', 'Total number of checkpoint creations that failed.', 'checkpointCreationsFailedTotal', 'counter'],
  ['prometheus_tsdb_checkpoint_deletions_total', 'Total number of checkpoint deletions attempted.', 'checkpointDeletionsTotal', 'counter'],
  ['prometheus_tsdb_compactions_total', 'Total number of compactions that were executed for the partition.', 'compactionsTotal', 'counter'],
  ['prometheus_tsdb_compactions_failed_total', 'Total number of compactions that failed for the partition.', 'compactionsFailedTotal', 'counter'],
  ['prometheus_tsdb_blocks_loaded', 'Number of currently loaded data blocks', 'blocksLoaded', 'gauge'],
];

export function registerTsdbMetrics(registry: MetricsRegistry, stats: TsdbStats): void {
  for (const [name, help, field, type, labels] of EXPORTS) {
    const names = labels === undefined ? [] : Object.keys(labels);
    const values = labels === undefined ? [] : Object.values(labels);
    registry.gaugeFunc(name, help, () => [[values, stats[field]] as const], { type, labelNames: names });
  }
}
