/** A benchmarked pipeline's settings: quiet logs, rollups each second, ingest's limits out of the way. */
export const BENCH_PIPELINE_ENV = {
  LOG_LEVEL: 'error',
  ROLLUP_REFRESH_MS: '1000',
  INGEST_RATE_EVENTS_PER_SEC: '10000000',
  INGEST_RATE_BURST: '10000000',
};
