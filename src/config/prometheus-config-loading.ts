// Loads prometheus.yml: strict decoding with positions, Prometheus's defaults, and its validation rules.

import { readFile } from 'node:fs/promises';
import { Labels } from '../model/labels.js';
import { isValidLabelName, newRelabelConfig } from '../model/relabel.js';
import type { RelabelConfig, RelabelConfigInput } from '../model/relabel.js';
import type {
  AlertingConfig, AlertmanagerConfig, GlobalConfig, PrometheusConfig, QueueConfig, RemoteReadConfig, RemoteWriteConfig, ScrapeConfig,
  ScrapeProtocol, StorageConfig, TracingConfig,
} from './prometheus-config.js';
import { DEFAULT_TLS_CONFIG, decodeHttpClient, decodeTls, HTTP_CLIENT_KEYS, resolvePath } from './http-client-decoding.js';
import { glob } from './path-glob.js';
import { decodeSdConfigs, SD_KEYS, UNSUPPORTED_SD_REASONS } from './sd-config-decoding.js';
import type { Fields, YamlValue } from './yaml-decoder.js';
import { bool, byteSize, duration, float, scalarText, str, strList, strMap, uint, YamlDecoder } from './yaml-decoder.js';

export const SCRAPE_PROTOCOLS: readonly ScrapeProtocol[] = ['PrometheusProto', 'OpenMetricsText0.0.1', 'OpenMetricsText1.0.0', 'PrometheusText0.0.4', 'PrometheusText1.0.0'];
const DEFAULT_SCRAPE_PROTOCOLS: readonly ScrapeProtocol[] = ['OpenMetricsText1.0.0', 'OpenMetricsText0.0.1', 'PrometheusText1.0.0', 'PrometheusText0.0.4'];

export const DEFAULT_GLOBAL_CONFIG: GlobalConfig = {
  scrapeInterval: 60_000, scrapeTimeout: 10_000, scrapeProtocols: DEFAULT_SCRAPE_PROTOCOLS, evaluationInterval: 60_000, ruleQueryOffset: 0,
  externalLabels: Labels.EMPTY, queryLogFile: '', scrapeFailureLogFile: '', bodySizeLimit: 0, sampleLimit: 0, targetLimit: 0, labelLimit: 0,
  labelNameLengthLimit: 0, labelValueLengthLimit: 0, keepDroppedTargets: 0, metricNameValidationScheme: 'utf8', metricNameEscapingScheme: '',
  alwaysScrapeClassicHistograms: false, convertClassicHistogramsToNhcb: false,
};

/**
 * Sections Vigil refuses outright (top-level keys Prometheus has but Vigil does not take). Everything else
 * Prometheus accepts is decoded into the config object, validated, and documented in the README.
 */
const REFUSED_TOP_LEVEL: Readonly<Record<string, string>> = {
  otlp: 'otlp is not supported by Vigil (OTLP ingestion is not implemented)',
  runtime: 'runtime is not supported by Vigil (it has no Go runtime to tune)',
};

/**
 * Reads and loads a prometheus.yml file, including the scrape configs of the files `scrape_config_files` names
 * (each holds only `scrape_configs`; job names must be unique across all of them). Throws ConfigError (with
 * file:line:column) or the file system error.
 */
export async function loadPrometheusConfig(file: string, signal?: AbortSignal): Promise<PrometheusConfig> {
  const text = await readFile(file, { encoding: 'utf8', signal });
  const cfg = parsePrometheusConfig(text, file);
  if (cfg.scrapeConfigFiles.length === 0) return cfg;
  const scrapeConfigs = [...cfg.scrapeConfigs];
  const jobs = new Set(scrapeConfigs.map((s) => s.jobName));
  for (const pattern of cfg.scrapeConfigFiles) {
    for (const f of await glob(pattern)) {
      const d = YamlDecoder.parse(await readFile(f, { encoding: 'utf8', signal }), f);
      const top = d.fields(d.root, 'config.ScrapeConfigs', ['scrape_configs']);
      for (const n of d.seq(top.get('scrape_configs') ?? null, '[]*config.ScrapeConfig')) {
        if (n === null) d.fail(top.keyNode('scrape_configs'), 'empty or null scrape config section');
        const sc = decodeScrapeConfig(d, n, cfg.global);
        if (jobs.has(sc.jobName)) d.fail(n, `found multiple scrape configs with job name ${JSON.stringify(sc.jobName)}`);
        jobs.add(sc.jobName);
        scrapeConfigs.push(sc);
      }
    }
  }
  return { ...cfg, scrapeConfigs };
}

/**
 * Loads a prometheus.yml document; `file` names it in errors and anchors relative paths. Reads no other file:
 * `scrapeConfigFiles` are listed but not merged (use `loadPrometheusConfig` for that).
 */
export function parsePrometheusConfig(text: string, file = ''): PrometheusConfig {
  const d = YamlDecoder.parse(text, file);
  const f = d.fields(d.root, 'config', [
    'global', 'rule_files', 'scrape_config_files', 'scrape_configs', 'alerting', 'remote_write', 'remote_read', 'storage', 'tracing',
  ], REFUSED_TOP_LEVEL);
  const global = decodeGlobal(d, f.get('global') ?? null);
  const ruleFiles = f.opt('rule_files', strList, []).map((p) => resolvePath(d, p));
  const scrapeConfigFiles = f.opt('scrape_config_files', strList, []).map((p) => resolvePath(d, p));
  const jobs = new Map<string, YamlValue>();
  const scrapeConfigs = d.seq(f.get('scrape_configs') ?? null, '[]*config.ScrapeConfig').map((n) => {
    if (n === null || n === undefined) d.fail(f.keyNode('scrape_configs'), 'empty or null scrape config section');
    const sc = decodeScrapeConfig(d, n, global);
    if (jobs.has(sc.jobName)) d.fail(n, `found multiple scrape configs with job name ${JSON.stringify(sc.jobName)}`);
    jobs.set(sc.jobName, n);
    return sc;
  });
  const remoteWriteConfigs = d.seq(f.get('remote_write') ?? null, '[]*config.RemoteWriteConfig').map((n) => decodeRemoteWrite(d, n));
  const names = new Set<string>();
  for (const [i, rw] of remoteWriteConfigs.entries()) {
    if (rw.name === '') continue;
    if (names.has(rw.name)) d.fail(d.seq(f.get('remote_write') ?? null, '')[i], `found multiple remote write configs with job name ${JSON.stringify(rw.name)}`);
    names.add(rw.name);
  }
  return {
    global,
    ruleFiles,
    scrapeConfigFiles,
    scrapeConfigs,
    alerting: decodeAlerting(d, f.get('alerting') ?? null),
    remoteWriteConfigs,
    remoteReadConfigs: d.seq(f.get('remote_read') ?? null, '[]*config.RemoteReadConfig').map((n) => decodeRemoteRead(d, n)),
    storage: decodeStorage(d, f.get('storage') ?? null),
    tracing: decodeTracing(d, f.get('tracing') ?? null),
    file,
  };
}

function labelSet(d: YamlDecoder, node: YamlValue): Labels {
  const pairs: [string, string][] = [];
  for (const [k, v] of d.entries(node, 'labels.Labels')) {
    const name = scalarText(k);
    if (!isValidLabelName(name)) d.fail(k, `${JSON.stringify(name)} is not a valid label name`);
    pairs.push([name, str(d, v)]);
  }
  return Labels.from(pairs);
}

function scrapeProtocols(d: YamlDecoder, node: YamlValue): ScrapeProtocol[] {
  const seen = new Set<string>();
  return d.seq(node, '[]config.ScrapeProtocol').map((n) => {
    const p = str(d, n);
    if (!(SCRAPE_PROTOCOLS as readonly string[]).includes(p)) d.fail(n, `unknown scrape protocol ${p}, supported: ${SCRAPE_PROTOCOLS.join(', ')}`);
    if (seen.has(p)) d.fail(n, `duplicated protocol in scrape_protocols, got ${p}`);
    seen.add(p);
    return p as ScrapeProtocol;
  });
}

function decodeGlobal(d: YamlDecoder, node: YamlValue): GlobalConfig {
  const f = d.fields(node, 'global config', [
    'scrape_interval', 'scrape_timeout', 'scrape_protocols', 'evaluation_interval', 'rule_query_offset', 'external_labels', 'query_log_file',
    'scrape_failure_log_file', 'body_size_limit', 'sample_limit', 'target_limit', 'label_limit', 'label_name_length_limit',
    'label_value_length_limit', 'keep_dropped_targets', 'metric_name_validation_scheme', 'metric_name_escaping_scheme',
    'always_scrape_classic_histograms', 'convert_classic_histograms_to_nhcb',
  ]);
  const g = DEFAULT_GLOBAL_CONFIG;
  const scrapeInterval = f.opt('scrape_interval', duration, 0) || g.scrapeInterval;
  let scrapeTimeout = f.opt('scrape_timeout', duration, 0);
  if (scrapeTimeout > scrapeInterval) d.fail(f.keyNode('scrape_timeout'), 'global scrape timeout greater than scrape interval');
  if (scrapeTimeout === 0) scrapeTimeout = Math.min(g.scrapeTimeout, scrapeInterval);
  const protocols = f.opt('scrape_protocols', scrapeProtocols, []);
  return {
    scrapeInterval,
    scrapeTimeout,
    scrapeProtocols: protocols.length > 0 ? protocols : g.scrapeProtocols,
    evaluationInterval: f.opt('evaluation_interval', duration, 0) || g.evaluationInterval,
    ruleQueryOffset: f.opt('rule_query_offset', duration, 0),
    externalLabels: f.opt('external_labels', labelSet, Labels.EMPTY),
    queryLogFile: resolvePath(d, f.opt('query_log_file', str, '')),
    scrapeFailureLogFile: resolvePath(d, f.opt('scrape_failure_log_file', str, '')),
    bodySizeLimit: f.opt('body_size_limit', byteSize, 0),
    sampleLimit: f.opt('sample_limit', uint, 0),
    targetLimit: f.opt('target_limit', uint, 0),
    labelLimit: f.opt('label_limit', uint, 0),
    labelNameLengthLimit: f.opt('label_name_length_limit', uint, 0),
    labelValueLengthLimit: f.opt('label_value_length_limit', uint, 0),
    keepDroppedTargets: f.opt('keep_dropped_targets', uint, 0),
    metricNameValidationScheme: validationScheme(d, f),
    metricNameEscapingScheme: f.opt('metric_name_escaping_scheme', str, ''),
    alwaysScrapeClassicHistograms: f.opt('always_scrape_classic_histograms', bool, false),
    convertClassicHistogramsToNhcb: f.opt('convert_classic_histograms_to_nhcb', bool, false),
  };
}

function validationScheme(d: YamlDecoder, f: Fields, fallback = 'utf8'): string {
  const v = f.opt('metric_name_validation_scheme', str, '') || fallback;
  if (v !== 'utf8' && v !== 'legacy') d.fail(f.get('metric_name_validation_scheme'), `unknown name validation method specified, must be either '', 'legacy' or 'utf8', got ${v}`);
  return v;
}

/** Decodes a list of relabel configs; each error is placed at its entry. */
export function decodeRelabelConfigs(d: YamlDecoder, node: YamlValue): RelabelConfig[] {
  return d.seq(node, '[]*relabel.Config').map((n) => {
    const f = d.fields(n, 'relabel config', ['source_labels', 'separator', 'regex', 'modulus', 'target_label', 'replacement', 'action']);
    const input: RelabelConfigInput = {};
    if (f.has('source_labels')) input.sourceLabels = f.opt('source_labels', strList, []);
    if (f.has('separator')) input.separator = f.opt('separator', str, '');
    if (f.has('regex')) input.regex = f.opt('regex', str, '');
    if (f.has('modulus')) input.modulus = f.opt('modulus', uint, 0);
    if (f.has('target_label')) input.targetLabel = f.opt('target_label', str, '');
    if (f.has('replacement')) input.replacement = f.opt('replacement', str, '');
    if (f.has('action')) input.action = f.opt('action', str, '');
    return d.at(n, () => newRelabelConfig(input));
  });
}

const SCRAPE_KEYS = [
  'job_name', 'honor_labels', 'honor_timestamps', 'track_timestamps_staleness', 'params', 'scrape_interval', 'scrape_timeout',
  'scrape_protocols', 'scrape_fallback_protocol', 'scrape_classic_histograms', 'scrape_native_histograms', 'always_scrape_classic_histograms',
  'convert_classic_histograms_to_nhcb', 'metrics_path', 'scheme', 'enable_compression', 'body_size_limit', 'sample_limit', 'target_limit',
  'label_limit', 'label_name_length_limit', 'label_value_length_limit', 'native_histogram_bucket_limit', 'native_histogram_min_bucket_factor',
  'keep_dropped_targets', 'metric_name_validation_scheme', 'metric_name_escaping_scheme', 'scrape_failure_log_file', 'relabel_configs',
  'metric_relabel_configs', ...HTTP_CLIENT_KEYS, ...SD_KEYS,
];

function decodeScrapeConfig(d: YamlDecoder, node: YamlValue, g: GlobalConfig): ScrapeConfig {
  const f = d.fields(node, 'scrape config', SCRAPE_KEYS, UNSUPPORTED_SD_REASONS);
  const jobName = f.opt('job_name', str, '');
  if (jobName === '') d.fail(node, 'job_name is empty');
  const scrapeInterval = f.opt('scrape_interval', duration, 0) || g.scrapeInterval;
  let scrapeTimeout = f.opt('scrape_timeout', duration, 0);
  if (scrapeTimeout > scrapeInterval) {
    d.fail(f.keyNode('scrape_timeout'), `scrape timeout greater than scrape interval for scrape config with job name ${JSON.stringify(jobName)}`);
  }
  if (scrapeTimeout === 0) scrapeTimeout = Math.min(g.scrapeTimeout, scrapeInterval);
  const scheme = f.opt('scheme', str, '') || 'http';
  if (scheme !== 'http' && scheme !== 'https') d.fail(f.get('scheme'), `scheme must be 'http' or 'https', got ${JSON.stringify(scheme)}`);
  const params: Record<string, string[]> = {};
  for (const [k, v] of d.entries(f.get('params') ?? null, 'url.Values')) params[scalarText(k)] = strList(d, v);
  const protocols = f.opt('scrape_protocols', scrapeProtocols, []);
  const fallback = f.opt('scrape_fallback_protocol', str, '');
  if (fallback !== '' && !(SCRAPE_PROTOCOLS as readonly string[]).includes(fallback)) {
    d.fail(f.get('scrape_fallback_protocol'), `unknown scrape protocol ${fallback}, supported: ${SCRAPE_PROTOCOLS.join(', ')}`);
  }
  const metricsPath = f.opt('metrics_path', str, '') || '/metrics';
  const limit = (key: string, global: number): number => f.opt(key, uint, 0) || global;
  return {
    jobName,
    honorLabels: f.opt('honor_labels', bool, false),
    honorTimestamps: f.opt('honor_timestamps', bool, true),
    trackTimestampsStaleness: f.opt('track_timestamps_staleness', bool, false),
    params,
    scrapeInterval,
    scrapeTimeout,
    scrapeProtocols: protocols.length > 0 ? protocols : g.scrapeProtocols,
    scrapeFallbackProtocol: fallback as ScrapeProtocol | '',
    scrapeClassicHistograms: f.opt('scrape_classic_histograms', bool, false),
    scrapeNativeHistograms: f.opt('scrape_native_histograms', bool, false),
    alwaysScrapeClassicHistograms: f.opt('always_scrape_classic_histograms', bool, g.alwaysScrapeClassicHistograms),
    convertClassicHistogramsToNhcb: f.opt('convert_classic_histograms_to_nhcb', bool, g.convertClassicHistogramsToNhcb),
    metricsPath,
    scheme,
    enableCompression: f.opt('enable_compression', bool, true),
    bodySizeLimit: f.opt('body_size_limit', byteSize, 0) || g.bodySizeLimit,
    sampleLimit: limit('sample_limit', g.sampleLimit),
    targetLimit: limit('target_limit', g.targetLimit),
    labelLimit: limit('label_limit', g.labelLimit),
    labelNameLengthLimit: limit('label_name_length_limit', g.labelNameLengthLimit),
    labelValueLengthLimit: limit('label_value_length_limit', g.labelValueLengthLimit),
    nativeHistogramBucketLimit: f.opt('native_histogram_bucket_limit', uint, 0),
    nativeHistogramMinBucketFactor: f.opt('native_histogram_min_bucket_factor', float, 0),
    keepDroppedTargets: limit('keep_dropped_targets', g.keepDroppedTargets),
    metricNameValidationScheme: validationScheme(d, f, g.metricNameValidationScheme),
    metricNameEscapingScheme: f.opt('metric_name_escaping_scheme', str, '') || g.metricNameEscapingScheme,
    scrapeFailureLogFile: resolvePath(d, f.opt('scrape_failure_log_file', str, '')) || g.scrapeFailureLogFile,
    httpClient: decodeHttpClient(d, f),
    serviceDiscoveryConfigs: decodeSdConfigs(d, f),
    relabelConfigs: decodeRelabelConfigs(d, f.get('relabel_configs') ?? null),
    metricRelabelConfigs: decodeRelabelConfigs(d, f.get('metric_relabel_configs') ?? null),
  };
}

function decodeAlerting(d: YamlDecoder, node: YamlValue): AlertingConfig {
  const f = d.fields(node, 'alerting config', ['alert_relabel_configs', 'alertmanagers']);
  return {
    alertRelabelConfigs: decodeRelabelConfigs(d, f.get('alert_relabel_configs') ?? null),
    alertmanagers: d.seq(f.get('alertmanagers') ?? null, '[]*config.AlertmanagerConfig').map((n) => decodeAlertmanager(d, n)),
  };
}

function decodeAlertmanager(d: YamlDecoder, node: YamlValue): AlertmanagerConfig {
  const f = d.fields(node, 'alertmanager config', [
    'api_version', 'path_prefix', 'scheme', 'timeout', 'relabel_configs', 'alert_relabel_configs', 'sigv4', ...HTTP_CLIENT_KEYS, ...SD_KEYS,
  ], { ...UNSUPPORTED_SD_REASONS, sigv4: 'sigv4 is not supported by Vigil' });
  const apiVersion = f.opt('api_version', str, '') || 'v2';
  if (apiVersion !== 'v2') d.fail(f.get('api_version'), `expected Alertmanager api version to be one of [v2] but got ${apiVersion}`);
  const scheme = f.opt('scheme', str, '') || 'http';
  if (scheme !== 'http' && scheme !== 'https') d.fail(f.get('scheme'), `scheme must be 'http' or 'https', got ${JSON.stringify(scheme)}`);
  return {
    apiVersion: 'v2',
    pathPrefix: f.opt('path_prefix', str, ''),
    scheme,
    timeout: f.opt('timeout', duration, 10_000),
    httpClient: decodeHttpClient(d, f),
    serviceDiscoveryConfigs: decodeSdConfigs(d, f),
    relabelConfigs: decodeRelabelConfigs(d, f.get('relabel_configs') ?? null),
    alertRelabelConfigs: decodeRelabelConfigs(d, f.get('alert_relabel_configs') ?? null),
  };
}

const REFUSED_REMOTE_AUTH = {
  sigv4: 'sigv4 is not supported by Vigil',
  azuread: 'azuread is not supported by Vigil',
  google_iam: 'google_iam is not supported by Vigil',
};

function headers(d: YamlDecoder, node: YamlValue): Record<string, string> {
  return strMap(d, node);
}

function checkRemoteUrl(d: YamlDecoder, f: Fields, node: YamlValue, what: string): string {
  const url = f.opt('url', str, '');
  if (url === '') d.fail(node, `url for ${what} is empty`);
  const u = d.at(f.get('url'), () => new URL(url));
  if (u.protocol !== 'http:' && u.protocol !== 'https:') d.fail(f.get('url'), `unsupported scheme ${JSON.stringify(u.protocol.slice(0, -1))} for URL`);
  return url;
}

function decodeRemoteWrite(d: YamlDecoder, node: YamlValue): RemoteWriteConfig {
  const f = d.fields(node, 'remote write config', [
    'url', 'name', 'remote_timeout', 'headers', 'protobuf_message', 'send_exemplars', 'send_native_histograms', 'round_robin_dns',
    'write_relabel_configs', 'queue_config', 'metadata_config', ...HTTP_CLIENT_KEYS, ...Object.keys(REFUSED_REMOTE_AUTH),
  ], REFUSED_REMOTE_AUTH);
  const url = checkRemoteUrl(d, f, node, 'remote_write');
  const protobufMessage = f.opt('protobuf_message', str, '') || 'prometheus.WriteRequest';
  if (protobufMessage !== 'prometheus.WriteRequest' && protobufMessage !== 'io.prometheus.write.v2.Request') {
    d.fail(f.get('protobuf_message'), `unknown remote write protobuf message ${protobufMessage}, supported: prometheus.WriteRequest, io.prometheus.write.v2.Request`);
  }
  const q = d.fields(f.get('queue_config') ?? null, 'queue config', [
    'capacity', 'max_shards', 'min_shards', 'max_samples_per_send', 'batch_send_deadline', 'min_backoff', 'max_backoff', 'retry_on_http_429', 'sample_age_limit',
  ]);
  const queueConfig: QueueConfig = {
    capacity: q.opt('capacity', uint, 10_000), maxShards: q.opt('max_shards', uint, 50), minShards: q.opt('min_shards', uint, 1),
    maxSamplesPerSend: q.opt('max_samples_per_send', uint, 2000), batchSendDeadline: q.opt('batch_send_deadline', duration, 5000),
    minBackoff: q.opt('min_backoff', duration, 30), maxBackoff: q.opt('max_backoff', duration, 5000), retryOnHttp429: q.opt('retry_on_http_429', bool, false),
    sampleAgeLimit: q.opt('sample_age_limit', duration, 0),
  };
  const m = d.fields(f.get('metadata_config') ?? null, 'metadata config', ['send', 'send_interval', 'max_samples_per_send']);
  return {
    url, name: f.opt('name', str, ''), remoteTimeout: f.opt('remote_timeout', duration, 30_000), headers: f.opt('headers', headers, {}),
    protobufMessage, sendExemplars: f.opt('send_exemplars', bool, false), sendNativeHistograms: f.opt('send_native_histograms', bool, false),
    roundRobinDns: f.opt('round_robin_dns', bool, false), writeRelabelConfigs: decodeRelabelConfigs(d, f.get('write_relabel_configs') ?? null),
    queueConfig,
    metadataConfig: { send: m.opt('send', bool, true), sendInterval: m.opt('send_interval', duration, 60_000), maxSamplesPerSend: m.opt('max_samples_per_send', uint, 2000) },
    httpClient: decodeHttpClient(d, f),
  };
}

function decodeRemoteRead(d: YamlDecoder, node: YamlValue): RemoteReadConfig {
  const f = d.fields(node, 'remote read config', [
    'url', 'name', 'remote_timeout', 'headers', 'read_recent', 'required_matchers', 'filter_external_labels', ...HTTP_CLIENT_KEYS,
    ...Object.keys(REFUSED_REMOTE_AUTH),
  ], REFUSED_REMOTE_AUTH);
  const url = checkRemoteUrl(d, f, node, 'remote_read');
  return {
    url, name: f.opt('name', str, ''), remoteTimeout: f.opt('remote_timeout', duration, 60_000), headers: f.opt('headers', headers, {}),
    readRecent: f.opt('read_recent', bool, false), filterExternalLabels: f.opt('filter_external_labels', bool, true),
    requiredMatchers: f.opt('required_matchers', strMap, {}), httpClient: decodeHttpClient(d, f),
  };
}

function decodeStorage(d: YamlDecoder, node: YamlValue): StorageConfig {
  const f = d.fields(node, 'storage config', ['tsdb', 'exemplars']);
  const t = d.fields(f.get('tsdb') ?? null, 'tsdb config', ['out_of_order_time_window']);
  const e = d.fields(f.get('exemplars') ?? null, 'exemplars config', ['max_exemplars']);
  return {
    tsdb: { outOfOrderTimeWindow: t.opt('out_of_order_time_window', duration, 0) },
    exemplars: { maxExemplars: e.opt('max_exemplars', uint, 100_000) },
  };
}

function decodeTracing(d: YamlDecoder, node: YamlValue): TracingConfig {
  const f = d.fields(node, 'tracing config', ['client_type', 'endpoint', 'sampling_fraction', 'insecure', 'headers', 'compression', 'timeout', 'tls_config']);
  const clientType = f.opt('client_type', str, '') || 'grpc';
  if (clientType !== 'grpc' && clientType !== 'http') d.fail(f.get('client_type'), `expected tracing client type to be to be http or grpc, but got ${clientType}`);
  const compression = f.opt('compression', str, '');
  if (compression !== '' && compression !== 'gzip') d.fail(f.get('compression'), `invalid compression type ${compression} provided, valid options: gzip`);
  return {
    clientType, endpoint: f.opt('endpoint', str, ''), samplingFraction: f.opt('sampling_fraction', float, 0), insecure: f.opt('insecure', bool, false),
    headers: f.opt('headers', headers, {}), compression, timeout: f.opt('timeout', duration, 0), tlsConfig: f.opt('tls_config', decodeTls, DEFAULT_TLS_CONFIG),
  };
}
