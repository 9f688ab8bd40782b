// PromQL durations are Prometheus's model durations (model/duration.ts): the PromQL modules import them from here.

export { DurationError, formatDuration, parseDuration } from '../model/duration.js';
