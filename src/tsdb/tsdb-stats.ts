// Counters and gauges of the TSDB as plain numbers; the server exports them under Prometheus's metric names.

/**
 * One object per DB, mutated in place. Field → Prometheus metric name:
 * headSeries → prometheus_tsdb_head_series; headSeriesCreatedTotal → prometheus_tsdb_head_series_created_total;
 * headSeriesRemovedTotal → prometheus_tsdb_head_series_removed_total;
 * headSamplesAppendedTotal → prometheus_tsdb_head_samples_appended_total{type="float"};
 * headChunks → prometheus_tsdb_head_chunks; headChunksCreatedTotal / headChunksRemovedTotal → …_created_total / …_removed_total;
 * outOfOrderSamplesTotal → prometheus_tsdb_out_of_order_samples_total{type="float"};
 * outOfBoundSamplesTotal → prometheus_tsdb_out_of_bound_samples_total{type="float"};
 * duplicateSamplesTotal → prometheus_tsdb_duplicate_samples_total (Vigil's own; Prometheus counts these per scrape);
 * headMinTime / headMaxTime → prometheus_tsdb_head_min_time / _max_time (ms; NaN while empty);
 * headTruncationsTotal → prometheus_tsdb_head_truncations_total;
 * walCorruptionsTotal → prometheus_tsdb_wal_corruptions_total; walTruncationsTotal → prometheus_tsdb_wal_truncations_total;
 * walWritesFailedTotal → prometheus_tsdb_wal_writes_failed_total; walFsyncsTotal → prometheus_tsdb_wal_fsync_duration_seconds_count;
 * walSegmentCurrent → prometheus_tsdb_wal_segment_current; walRecordsRepairedBytes → bytes cut off by torn-tail repair;
 * walReplaySamplesDroppedTotal → samples skipped during replay (unknown series, out of order, too old);
 * checkpointCreationsTotal / checkpointCreationsFailedTotal / checkpointDeletionsTotal → prometheus_tsdb_checkpoint_…;
 * compactionsTotal → prometheus_tsdb_compactions_total; compactionsFailedTotal → prometheus_tsdb_compactions_failed_total;
 * blocksLoaded → prometheus_tsdb_blocks_loaded; blocksCorruptedTotal → blocks set aside at open (Vigil's own); retentionBlocksDeletedTotal → prometheus_tsdb_time_retentions_total (+ size);
 * headChunkBytes → bytes of memory holding head chunks (Vigil's own).
 */
export class TsdbStats {
  headSeries = 0;
  headSeriesCreatedTotal = 0;
  headSeriesRemovedTotal = 0;
  headSamplesAppendedTotal = 0;
  headChunks = 0;
  headChunksCreatedTotal = 0;
  headChunksRemovedTotal = 0;
  outOfOrderSamplesTotal = 0;
  outOfBoundSamplesTotal = 0;
  duplicateSamplesTotal = 0;
  headMinTime = NaN;
  headMaxTime = NaN;
  headTruncationsTotal = 0;
  headChunkBytes = 0;
  walCorruptionsTotal = 0;
  walTruncationsTotal = 0;
  walWritesFailedTotal = 0;
  walFsyncsTotal = 0;
  walSegmentCurrent = 0;
  walRecordsRepairedBytes = 0;
  walReplaySamplesDroppedTotal = 0;
  checkpointCreationsTotal = 0;
  checkpointCreationsFailedTotal = 0;
  checkpointDeletionsTotal = 0;
  compactionsTotal = 0;
  compactionsFailedTotal = 0;
  blocksLoaded = 0;
  blocksCorruptedTotal = 0;
  retentionBlocksDeletedTotal = 0;
}
