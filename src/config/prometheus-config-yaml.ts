// A loaded prometheus.yml re-marshalled as Prometheus's /api/v1/status/config shows it: defaults filled in, secrets hidden.

import { Document, Pair, Scalar, stringify, YAMLMap, YAMLSeq } from 'yaml';
import type { Node } from 'yaml';
import { formatDuration } from '../model/duration.js';
import type { Labels } from '../model/labels.js';
import type { RelabelConfig } from '../model/relabel.js';
import type {
  AlertmanagerConfig,
  GlobalConfig,
  HttpClientConfig,
  PrometheusConfig,
  QueueConfig,
  RemoteReadConfig,
  RemoteWriteConfig,
  ScrapeConfig,
  SdConfig,
  TlsConfig,
} from './prometheus-config.js';

/** What Prometheus prints instead of a secret's value. */
export const SECRET = '<secret>';

/** One mapping entry; entries whose value is `undefined` are left out (Go's `omitempty`). */
type Entry = readonly [key: string, value: Value | undefined];
type Value = string | number | boolean | Node;

const DEFAULT_SCRAPE_PROTOCOLS = 'OpenMetricsText1.0.0,OpenMetricsText0.0.1,PrometheusText1.0.0,PrometheusText0.0.4';

/**
 * The configuration as YAML in Prometheus's key order and with its defaults, every secret as `<secret>`. The keys
 * and values Prometheus 2.42 prints come out as 2.42 prints them (Go's yaml.v2 styles: sequences not indented,
 * strings quoted only where YAML 1.1 would read them otherwise); settings newer than 2.42 are printed only when
 * they differ from their default, so a 2.42-style configuration reads back exactly as 2.42 shows it.
 */
export function prometheusConfigYaml(cfg: PrometheusConfig): string {
  const doc = new Document();
  doc.contents = map([
    ['global', globalNode(cfg.global)],
    ['alerting', alertingNode(cfg)],
    ['rule_files', nonEmpty(cfg.ruleFiles, strSeq)],
    ['scrape_config_files', nonEmpty(cfg.scrapeConfigFiles, strSeq)],
    ['scrape_configs', nonEmpty(cfg.scrapeConfigs, (l) => seq(l.map(scrapeNode)))],
    ['storage', storageNode(cfg)],
    ['tracing', tracingNode(cfg)],
    ['remote_write', nonEmpty(cfg.remoteWriteConfigs, (l) => seq(l.map(remoteWriteNode)))],
    ['remote_read', nonEmpty(cfg.remoteReadConfigs, (l) => seq(l.map(remoteReadNode)))],
  ]);
  return foldLongLines(doc.toString({ indentSeq: false, lineWidth: 0, minContentWidth: 0, singleQuote: true, flowCollectionPadding: false }));
}

function globalNode(g: GlobalConfig): Node {
  return map([
    ['scrape_interval', duration(g.scrapeInterval)],
    ['scrape_timeout', duration(g.scrapeTimeout)],
    ['scrape_protocols', g.scrapeProtocols.join(',') === DEFAULT_SCRAPE_PROTOCOLS ? undefined : strSeq(g.scrapeProtocols)],
    ['evaluation_interval', duration(g.evaluationInterval)],
    ['rule_query_offset', g.ruleQueryOffset === 0 ? undefined : duration(g.ruleQueryOffset)],
    ['query_log_file', omitEmpty(g.queryLogFile)],
    ['external_labels', g.externalLabels.size === 0 ? undefined : labelsMap(g.externalLabels)],
    ['scrape_failure_log_file', omitEmpty(g.scrapeFailureLogFile)],
    ['body_size_limit', g.bodySizeLimit === 0 ? undefined : byteSize(g.bodySizeLimit)],
    ['sample_limit', omitZero(g.sampleLimit)],
    ['target_limit', omitZero(g.targetLimit)],
    ['label_limit', omitZero(g.labelLimit)],
    ['label_name_length_limit', omitZero(g.labelNameLengthLimit)],
    ['label_value_length_limit', omitZero(g.labelValueLengthLimit)],
    ['keep_dropped_targets', omitZero(g.keepDroppedTargets)],
    ['metric_name_validation_scheme', g.metricNameValidationScheme === 'utf8' ? undefined : g.metricNameValidationScheme],
    ['metric_name_escaping_scheme', omitEmpty(g.metricNameEscapingScheme)],
    ['always_scrape_classic_histograms', g.alwaysScrapeClassicHistograms || undefined],
    ['convert_classic_histograms_to_nhcb', g.convertClassicHistogramsToNhcb || undefined],
  ]);
}

function scrapeNode(s: ScrapeConfig): Node {
  const params = Object.keys(s.params).sort();
  return map([
    ['job_name', s.jobName],
    ['honor_labels', s.honorLabels || undefined],
    ['honor_timestamps', s.honorTimestamps],
    ['track_timestamps_staleness', s.trackTimestampsStaleness || undefined],
    ['params', params.length === 0 ? undefined : map(params.map((k) => [k, strSeq(s.params[k] ?? [])]))],
    ['scrape_interval', duration(s.scrapeInterval)],
    ['scrape_timeout', duration(s.scrapeTimeout)],
    ['scrape_protocols', s.scrapeProtocols.join(',') === DEFAULT_SCRAPE_PROTOCOLS ? undefined : strSeq(s.scrapeProtocols)],
    ['scrape_fallback_protocol', omitEmpty(s.scrapeFallbackProtocol)],
    ['scrape_classic_histograms', s.scrapeClassicHistograms || undefined],
    ['scrape_native_histograms', s.scrapeNativeHistograms || undefined],
    ['always_scrape_classic_histograms', s.alwaysScrapeClassicHistograms || undefined],
    ['convert_classic_histograms_to_nhcb', s.convertClassicHistogramsToNhcb || undefined],
    ['metrics_path', s.metricsPath],
    ['scheme', s.scheme],
    ['enable_compression', s.enableCompression ? undefined : false],
    ['body_size_limit', s.bodySizeLimit === 0 ? undefined : byteSize(s.bodySizeLimit)],
    ['sample_limit', omitZero(s.sampleLimit)],
    ['target_limit', omitZero(s.targetLimit)],
    ['label_limit', omitZero(s.labelLimit)],
    ['label_name_length_limit', omitZero(s.labelNameLengthLimit)],
    ['label_value_length_limit', omitZero(s.labelValueLengthLimit)],
    ['native_histogram_bucket_limit', omitZero(s.nativeHistogramBucketLimit)],
    ['native_histogram_min_bucket_factor', omitZero(s.nativeHistogramMinBucketFactor)],
    ['keep_dropped_targets', omitZero(s.keepDroppedTargets)],
    ['metric_name_validation_scheme', s.metricNameValidationScheme === 'utf8' ? undefined : s.metricNameValidationScheme],
    ['metric_name_escaping_scheme', omitEmpty(s.metricNameEscapingScheme)],
    ['scrape_failure_log_file', omitEmpty(s.scrapeFailureLogFile)],
    ...httpClientEntries(s.httpClient),
    ['relabel_configs', relabelSeq(s.relabelConfigs)],
    ['metric_relabel_configs', relabelSeq(s.metricRelabelConfigs)],
    ...sdEntries(s.serviceDiscoveryConfigs),
  ]);
}

/** Prometheus's HTTPClientConfig fields, inlined into the mapping that holds them. */
function httpClientEntries(h: HttpClientConfig): Entry[] {
  const b = h.basicAuth;
  const a = h.authorization;
  const o = h.oauth2;
  const connect = Object.keys(h.proxyConnectHeader).sort();
  const headers = Object.keys(h.httpHeaders).sort();
  return [
    ['basic_auth', b === undefined ? undefined : map([
      ['username', omitEmpty(b.username)],
      ['username_file', omitEmpty(b.usernameFile)],
      ['password', secret(b.password)],
      ['password_file', omitEmpty(b.passwordFile)],
    ])],
    ['authorization', a === undefined ? undefined : map([
      ['type', omitEmpty(a.type)],
      ['credentials', secret(a.credentials)],
      ['credentials_file', omitEmpty(a.credentialsFile)],
    ])],
    ['oauth2', o === undefined ? undefined : map([
      ['client_id', o.clientId],
      ['client_secret', secret(o.clientSecret)],
      ['client_secret_file', o.clientSecretFile],
      ['scopes', nonEmpty(o.scopes, strSeq)],
      ['token_url', o.tokenUrl],
      ['endpoint_params', stringMap(o.endpointParams)],
      ['tls_config', tlsNode(o.tlsConfig)],
      ['proxy_url', omitEmpty(o.proxyUrl)],
    ])],
    ['tls_config', tlsNode(h.tlsConfig)],
    ['proxy_url', omitEmpty(h.proxyUrl)],
    ['no_proxy', omitEmpty(h.noProxy)],
    ['proxy_from_environment', h.proxyFromEnvironment || undefined],
    ['proxy_connect_header', connect.length === 0 ? undefined : map(connect.map((k) => [k, seq((h.proxyConnectHeader[k] ?? []).map(() => str(SECRET)))]))],
    ['follow_redirects', h.followRedirects],
    ['enable_http2', h.enableHttp2],
    ['http_headers', headers.length === 0 ? undefined : map(headers.map((k) => {
      const x = h.httpHeaders[k] as HttpClientConfig['httpHeaders'][string];
      return [k, map([
        ['values', nonEmpty(x.values, strSeq)],
        ['secrets', nonEmpty(x.secrets, (l) => seq(l.map(() => str(SECRET))))],
        ['files', nonEmpty(x.files, strSeq)],
      ])];
    }))],
  ];
}

/** `tls_config`, left out when nothing is set; `insecure_skip_verify` is printed whenever the block is. */
function tlsNode(t: TlsConfig): Node | undefined {
  const set = t.ca !== '' || t.caFile !== '' || t.cert !== '' || t.certFile !== '' || t.key !== '' || t.keyFile !== '' ||
    t.serverName !== '' || t.insecureSkipVerify || t.minVersion !== '' || t.maxVersion !== '';
  if (!set) return undefined;
  return map([
    ['ca', omitEmpty(t.ca)],
    ['cert', omitEmpty(t.cert)],
    ['key', secret(t.key)],
    ['ca_file', omitEmpty(t.caFile)],
    ['cert_file', omitEmpty(t.certFile)],
    ['key_file', omitEmpty(t.keyFile)],
    ['server_name', omitEmpty(t.serverName)],
    ['insecure_skip_verify', t.insecureSkipVerify],
    ['min_version', omitEmpty(t.minVersion)],
    ['max_version', omitEmpty(t.maxVersion)],
  ]);
}

/** Service discovery blocks after the other keys, ordered by key name as Prometheus orders them. */
function sdEntries(configs: readonly SdConfig[]): Entry[] {
  const byKey = new Map<string, Node[]>();
  const add = (key: string, node: Node): void => {
    const l = byKey.get(key);
    if (l === undefined) byKey.set(key, [node]);
    else l.push(node);
  };
  for (const c of configs) {
    switch (c.kind) {
      case 'static':
        for (const g of c.groups) {
          add('static_configs', map([
            ['targets', seq(g.targets.map((t) => str(t.get('__address__'))))],
            ['labels', g.labels.size === 0 ? undefined : labelsMap(g.labels)],
          ]));
        }
        break;
      case 'file':
        add('file_sd_configs', map([['files', strSeq(c.files)], ['refresh_interval', duration(c.refreshInterval)]]));
        break;
      case 'http':
        add('http_sd_configs', map([...httpClientEntries(c.httpClient), ['refresh_interval', duration(c.refreshInterval)], ['url', c.url]]));
        break;
      case 'dns':
        add('dns_sd_configs', map([['names', strSeq(c.names)], ['refresh_interval', duration(c.refreshInterval)], ['type', c.type], ['port', c.port]]));
        break;
      case 'consul':
        add('consul_sd_configs', map([
          ['server', c.server],
          ['path_prefix', omitEmpty(c.pathPrefix)],
          ['token', secret(c.token)],
          ['datacenter', omitEmpty(c.datacenter)],
          ['namespace', omitEmpty(c.namespace)],
          ['partition', omitEmpty(c.partition)],
          ['tag_separator', c.tagSeparator],
          ['scheme', c.scheme],
          ['services', nonEmpty(c.services, strSeq)],
          ['tags', nonEmpty(c.tags, strSeq)],
          ['node_meta', stringMap(c.nodeMeta)],
          ['filter', omitEmpty(c.filter)],
          ['health_filter', omitEmpty(c.healthFilter)],
          ['allow_stale', c.allowStale],
          ['refresh_interval', duration(c.refreshInterval)],
          ...httpClientEntries(c.httpClient),
        ]));
        break;
      case 'etcd':
        add('etcd_sd_configs', map([
          ['endpoints', strSeq(c.endpoints)],
          ['prefix', c.prefix],
          ['refresh_interval', duration(c.refreshInterval)],
          ...httpClientEntries(c.httpClient),
        ]));
        break;
    }
  }
  const keys = [...byKey.keys()].filter((k) => k !== 'static_configs').sort();
  if (byKey.has('static_configs')) keys.push('static_configs');
  return keys.map((k) => [k, seq(byKey.get(k) ?? [])]);
}

function alertingNode(cfg: PrometheusConfig): Node | undefined {
  const a = cfg.alerting;
  if (a.alertmanagers.length === 0 && a.alertRelabelConfigs.length === 0) return undefined;
  return map([
    ['alert_relabel_configs', relabelSeq(a.alertRelabelConfigs)],
    ['alertmanagers', nonEmpty(a.alertmanagers, (l) => seq(l.map(alertmanagerNode)))],
  ]);
}

function alertmanagerNode(am: AlertmanagerConfig): Node {
  return map([
    ...httpClientEntries(am.httpClient),
    ['scheme', am.scheme],
    ['path_prefix', omitEmpty(am.pathPrefix)],
    ['timeout', duration(am.timeout)],
    ['api_version', am.apiVersion],
    ['relabel_configs', relabelSeq(am.relabelConfigs)],
    ['alert_relabel_configs', relabelSeq(am.alertRelabelConfigs)],
    ...sdEntries(am.serviceDiscoveryConfigs),
  ]);
}

function remoteWriteNode(rw: RemoteWriteConfig): Node {
  return map([
    ['url', rw.url],
    ['remote_timeout', duration(rw.remoteTimeout)],
    ['headers', stringMap(rw.headers)],
    ['write_relabel_configs', relabelSeq(rw.writeRelabelConfigs)],
    ['name', omitEmpty(rw.name)],
    ['send_exemplars', rw.sendExemplars || undefined],
    ['send_native_histograms', rw.sendNativeHistograms || undefined],
    ['round_robin_dns', rw.roundRobinDns || undefined],
    ['protobuf_message', rw.protobufMessage === 'prometheus.WriteRequest' ? undefined : rw.protobufMessage],
    ...httpClientEntries(rw.httpClient),
    ['queue_config', queueNode(rw.queueConfig)],
    ['metadata_config', map([
      ['send', rw.metadataConfig.send],
      ['send_interval', duration(rw.metadataConfig.sendInterval)],
      ['max_samples_per_send', rw.metadataConfig.maxSamplesPerSend],
    ])],
  ]);
}

function queueNode(q: QueueConfig): Node {
  return map([
    ['capacity', q.capacity],
    ['max_shards', q.maxShards],
    ['min_shards', q.minShards],
    ['max_samples_per_send', q.maxSamplesPerSend],
    ['batch_send_deadline', duration(q.batchSendDeadline)],
    ['min_backoff', duration(q.minBackoff)],
    ['max_backoff', duration(q.maxBackoff)],
    ['retry_on_http_429', q.retryOnHttp429 || undefined],
    ['sample_age_limit', q.sampleAgeLimit === 0 ? undefined : duration(q.sampleAgeLimit)],
  ]);
}

function remoteReadNode(rr: RemoteReadConfig): Node {
  return map([
    ['url', rr.url],
    ['remote_timeout', duration(rr.remoteTimeout)],
    ['headers', stringMap(rr.headers)],
    ['read_recent', rr.readRecent],
    ['name', omitEmpty(rr.name)],
    ...httpClientEntries(rr.httpClient),
    ['required_matchers', stringMap(rr.requiredMatchers)],
    ['filter_external_labels', rr.filterExternalLabels],
  ]);
}

/** Only the settings that differ from their defaults (Prometheus prints the blocks the file set). */
function storageNode(cfg: PrometheusConfig): Node | undefined {
  const ooo = cfg.storage.tsdb.outOfOrderTimeWindow;
  const ex = cfg.storage.exemplars.maxExemplars;
  if (ooo === 0 && ex === 100_000) return undefined;
  return map([
    ['tsdb', ooo === 0 ? undefined : map([['out_of_order_time_window', duration(ooo)]])],
    ['exemplars', ex === 100_000 ? undefined : map([['max_exemplars', ex]])],
  ]);
}

function tracingNode(cfg: PrometheusConfig): Node | undefined {
  const t = cfg.tracing;
  if (t.endpoint === '') return undefined;
  return map([
    ['client_type', t.clientType],
    ['endpoint', t.endpoint],
    ['sampling_fraction', t.samplingFraction],
    ['insecure', t.insecure],
    ['headers', stringMap(t.headers)],
    ['compression', omitEmpty(t.compression)],
    ['timeout', duration(t.timeout)],
    ['tls_config', tlsNode(t.tlsConfig)],
  ]);
}

function relabelSeq(configs: readonly RelabelConfig[]): Node | undefined {
  if (configs.length === 0) return undefined;
  return seq(configs.map((r) => {
    const sources = r.sourceLabels.length === 0 ? undefined : strSeq(r.sourceLabels);
    if (sources instanceof YAMLSeq) sources.flow = true;
    return map([
      ['source_labels', sources],
      ['separator', omitEmpty(r.separator)],
      ['regex', omitEmpty(r.regex.source)],
      ['modulus', omitZero(r.modulus)],
      ['target_label', omitEmpty(r.targetLabel)],
      ['replacement', omitEmpty(r.replacement)],
      ['action', r.action],
    ]);
  }));
}

// ---- YAML building (private) ----

function map(entries: readonly Entry[]): YAMLMap {
  const m = new YAMLMap();
  for (const [k, v] of entries) if (v !== undefined) m.items.push(new Pair(str(k), node(v)));
  return m;
}

function node(v: Value): Node {
  if (typeof v === 'string') return str(v);
  if (typeof v === 'number' || typeof v === 'boolean') return new Scalar(v);
  return v;
}

function seq(items: readonly Node[]): YAMLSeq {
  const s = new YAMLSeq();
  s.items.push(...items);
  return s;
}

function strSeq(items: readonly string[]): YAMLSeq {
  return seq(items.map(str));
}

function nonEmpty<T>(list: readonly T[], f: (l: readonly T[]) => Node): Node | undefined {
  return list.length === 0 ? undefined : f(list);
}

function stringMap(m: Readonly<Record<string, string>>): Node | undefined {
  const keys = Object.keys(m).sort();
  return keys.length === 0 ? undefined : map(keys.map((k) => [k, m[k] as string]));
}

function labelsMap(l: Labels): Node {
  const entries: Entry[] = [];
  l.forEach((n, v) => entries.push([n, v]));
  return map(entries);
}

function omitEmpty(s: string): string | undefined {
  return s === '' ? undefined : s;
}

function omitZero(n: number): number | undefined {
  return n === 0 ? undefined : n;
}

function secret(s: string): string | undefined {
  return s === '' ? undefined : SECRET;
}

function duration(ms: number): string {
  return formatDuration(ms);
}

const BYTE_UNITS: readonly (readonly [string, number])[] = [
  ['EiB', 2 ** 60], ['PiB', 2 ** 50], ['TiB', 2 ** 40], ['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10], ['B', 1],
];

/** Go's units.Base2Bytes String(): `10MiB`, `1KiB512B`. */
export function byteSize(n: number): string {
  if (n === 0) return '0B';
  let rest = n;
  let out = '';
  for (const [unit, size] of BYTE_UNITS) {
    const v = Math.floor(rest / size);
    if (v > 0) {
      out += `${v}${unit}`;
      rest -= v * size;
    }
  }
  return out;
}

/** libyaml's best width: past this column a plain or single-quoted value breaks at its next space, a flow list after its next comma. */
const BEST_WIDTH = 80;
/** `<indent><"- " markers><key>: <value>`; keys are plain (never holding ": "), single- or double-quoted. */
const LINE = /^( *)((?:- )*)((?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|.*?):(?: |$))?(.*)$/;

/**
 * Breaks long values as Go's yaml.v2 (libyaml's emitter) does, which the `yaml` package cannot imitate: once a line
 * is past column 80, a plain or single-quoted value continues on the next line at its next single space, and a
 * flow list (`source_labels: [...]`) after its next comma; continuation lines are indented two past the key (or
 * the `- ` of a list item). Lines of literal blocks (`|-`) are left alone.
 */
function foldLongLines(text: string): string {
  const out: string[] = [];
  let literalIndent = -1;
  for (const line of text.split('\n')) {
    const m = LINE.exec(line) as RegExpExecArray;
    const indent = (m[1] as string).length;
    if (literalIndent >= 0 && (line === '' || indent > literalIndent)) {
      out.push(line);
      continue;
    }
    literalIndent = -1;
    const dashes = m[2] as string;
    const key = m[3] ?? '';
    const value = m[4] as string;
    const prefix = line.slice(0, line.length - value.length);
    if (/^[|>][-+]?$/.test(value)) literalIndent = indent + dashes.length - (key === '' ? 2 : 0);
    const more = (key === '' ? indent + dashes.length - 2 : indent + dashes.length) + 2;
    if (line.length <= BEST_WIDTH || value === '') out.push(line);
    else if (value.startsWith('[')) out.push(foldFlowList(prefix, value, more));
    else if (value.startsWith("'")) out.push(prefix + "'" + foldAtSpaces(prefix.length + 1, value.slice(1, -1), more, true) + "'");
    else if (value.startsWith('"') || value.startsWith('|') || value.startsWith('>')) out.push(line);
    else out.push(prefix + foldAtSpaces(prefix.length, value, more, false));
  }
  return out.join('\n');
}

/** `text` written from column `column`: a single space past BEST_WIDTH becomes a line break (quoted: not at either end). */
function foldAtSpaces(column: number, text: string, indent: number, quoted: boolean): string {
  let out = '';
  let col = column;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    const inside = !quoted || (i > 0 && i < text.length - 1);
    if (c === ' ' && text[i - 1] !== ' ' && text[i + 1] !== ' ' && col > BEST_WIDTH && inside) {
      out += `\n${' '.repeat(indent)}`;
      col = indent;
      continue;
    }
    out += c;
    col++;
  }
  return out;
}

/** `[a, b, c]` with a line break (instead of the space) before every item that would start past BEST_WIDTH. */
function foldFlowList(prefix: string, value: string, indent: number): string {
  const items: string[] = [];
  const body = value.slice(1, -1);
  const item = /'(?:[^']|'')*'|"(?:[^"\\]|\\.)*"|[^,]+/g;
  let m: RegExpExecArray | null;
  while ((m = item.exec(body)) !== null) {
    items.push(m[0].trim());
    if (body[item.lastIndex] === ',') item.lastIndex++;
  }
  let out = `${prefix}[`;
  let col = out.length;
  items.forEach((it, i) => {
    if (i > 0) {
      out += ',';
      col++;
    }
    if (col > BEST_WIDTH) {
      out += `\n${' '.repeat(indent)}`;
      col = indent;
    } else if (i > 0) {
      out += ' ';
      col++;
    }
    out += it;
    col += it.length;
  });
  return `${out}]`;
}

const YAML11_NON_STRING = [
  /^(?:~|null|Null|NULL)$/,
  /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^[-+]?\.(?:inf|Inf|INF)$/,
  /^\.(?:nan|NaN|NAN)$/,
  /^[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|0o?[0-7_]+|[0-9][0-9_]*)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/,
  /^\d{4}-\d{1,2}-\d{1,2}(?:[Tt ].*)?$/,
  /^<<$/,
];
// Characters libyaml does not print in a plain or single-quoted scalar (it switches to double quotes).
// eslint-disable-next-line no-control-regex -- our own fixed pattern: control characters are exactly what it looks for
const NEEDS_DOUBLE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\ufeff]/;

/** A string scalar styled as Go's yaml.v2 styles it. */
function str(s: string): Scalar {
  const n = new Scalar(s);
  if (s === '' || NEEDS_DOUBLE.test(s) || YAML11_NON_STRING.some((re) => re.test(s))) n.type = Scalar.QUOTE_DOUBLE;
  else if (s.includes('\n')) n.type = Scalar.BLOCK_LITERAL;
  else {
    // Where YAML allows no plain scalar (`*x`, `a: b`, `'q'`), libyaml falls back to single quotes.
    const auto = stringify(s, { singleQuote: true, lineWidth: 0 });
    n.type = auto.startsWith("'") || auto.startsWith('"') ? Scalar.QUOTE_SINGLE : Scalar.PLAIN;
  }
  return n;
}
