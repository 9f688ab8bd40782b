// The settings of a loaded prometheus.yml that this version accepts but does not act on, each with a message
// the server logs at every (re)load, so nothing in a user's file is ignored silently.

import type { PrometheusConfig } from './prometheus-config.js';

export interface InactiveSetting {
  /** The YAML path of the setting, e.g. `rule_files` or `scrape_configs[2].scrape_failure_log_file`. */
  readonly setting: string;
  readonly effect: string;
}

export function inactiveSettings(cfg: PrometheusConfig): InactiveSetting[] {
  const out: InactiveSetting[] = [];
  const add = (setting: string, effect: string): void => void out.push({ setting, effect });
  if (cfg.ruleFiles.length > 0) add('rule_files', 'recording and alerting rules are not evaluated by this version');
  if (cfg.alerting.alertmanagers.length > 0 || cfg.alerting.alertRelabelConfigs.length > 0) add('alerting', 'no alerts are sent: this version evaluates no alerting rules');
  if (cfg.remoteWriteConfigs.length > 0) add('remote_write', `samples are not sent to the ${cfg.remoteWriteConfigs.length} remote_write endpoint(s)`);
  if (cfg.remoteReadConfigs.length > 0) add('remote_read', `queries do not read from the ${cfg.remoteReadConfigs.length} remote_read endpoint(s)`);
  if (cfg.tracing.endpoint !== '') add('tracing', 'no traces are exported');
  if (cfg.global.queryLogFile !== '') add('global.query_log_file', 'queries are not logged to a file');
  if (cfg.global.scrapeFailureLogFile !== '') add('global.scrape_failure_log_file', 'scrape failures are shown on /api/v1/targets and logged at debug level, not written to a file');
  cfg.scrapeConfigs.forEach((sc, i) => {
    if (sc.scrapeFailureLogFile !== '' && sc.scrapeFailureLogFile !== cfg.global.scrapeFailureLogFile) {
      add(`scrape_configs[${i}].scrape_failure_log_file`, `scrape failures of job "${sc.jobName}" are not written to a file`);
    }
  });
  if (cfg.storage.tsdb.outOfOrderTimeWindow > 0) add('storage.tsdb.out_of_order_time_window', 'out-of-order samples are rejected and counted, not stored');
  return out;
}
