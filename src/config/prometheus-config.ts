// The loaded form of prometheus.yml: every section Vigil accepts, with Prometheus's defaults already applied.

import type { Labels } from '../model/labels.js';
import type { RelabelConfig } from '../model/relabel.js';
import type { TargetGroup } from '../model/target-group.js';

/** Durations are milliseconds; sizes are bytes; 0 means "no limit" for every limit, as in Prometheus. */
export interface PrometheusConfig {
  readonly global: GlobalConfig;
  /** Paths (globs allowed in the last segment), resolved against the config file's directory. */
  readonly ruleFiles: readonly string[];
  readonly scrapeConfigFiles: readonly string[];
  readonly scrapeConfigs: readonly ScrapeConfig[];
  readonly alerting: AlertingConfig;
  readonly remoteWriteConfigs: readonly RemoteWriteConfig[];
  readonly remoteReadConfigs: readonly RemoteReadConfig[];
  readonly storage: StorageConfig;
  readonly tracing: TracingConfig;
  /** The file it was loaded from ('' when loaded from a string). */
  readonly file: string;
}

export type ScrapeProtocol = 'PrometheusProto' | 'OpenMetricsText0.0.1' | 'OpenMetricsText1.0.0' | 'PrometheusText0.0.4' | 'PrometheusText1.0.0';

export interface GlobalConfig {
  readonly scrapeInterval: number;
  readonly scrapeTimeout: number;
  readonly scrapeProtocols: readonly ScrapeProtocol[];
  readonly evaluationInterval: number;
  readonly ruleQueryOffset: number;
  readonly externalLabels: Labels;
  readonly queryLogFile: string;
  readonly scrapeFailureLogFile: string;
  readonly bodySizeLimit: number;
  readonly sampleLimit: number;
  readonly targetLimit: number;
  readonly labelLimit: number;
  readonly labelNameLengthLimit: number;
  readonly labelValueLengthLimit: number;
  readonly keepDroppedTargets: number;
  readonly metricNameValidationScheme: string;
  readonly metricNameEscapingScheme: string;
  readonly alwaysScrapeClassicHistograms: boolean;
  readonly convertClassicHistogramsToNhcb: boolean;
}

export interface ScrapeConfig {
  readonly jobName: string;
  readonly honorLabels: boolean;
  readonly honorTimestamps: boolean;
  readonly trackTimestampsStaleness: boolean;
  readonly params: Readonly<Record<string, readonly string[]>>;
  readonly scrapeInterval: number;
  readonly scrapeTimeout: number;
  readonly scrapeProtocols: readonly ScrapeProtocol[];
  readonly scrapeFallbackProtocol: ScrapeProtocol | '';
  readonly scrapeClassicHistograms: boolean;
  readonly scrapeNativeHistograms: boolean;
  readonly alwaysScrapeClassicHistograms: boolean;
  readonly convertClassicHistogramsToNhcb: boolean;
  readonly metricsPath: string;
  readonly scheme: 'http' | 'https';
  readonly enableCompression: boolean;
  readonly bodySizeLimit: number;
  readonly sampleLimit: number;
  readonly targetLimit: number;
  readonly labelLimit: number;
  readonly labelNameLengthLimit: number;
  readonly labelValueLengthLimit: number;
  readonly nativeHistogramBucketLimit: number;
  readonly nativeHistogramMinBucketFactor: number;
  readonly keepDroppedTargets: number;
  readonly metricNameValidationScheme: string;
  readonly metricNameEscapingScheme: string;
  readonly scrapeFailureLogFile: string;
  readonly httpClient: HttpClientConfig;
  readonly serviceDiscoveryConfigs: readonly SdConfig[];
  readonly relabelConfigs: readonly RelabelConfig[];
  readonly metricRelabelConfigs: readonly RelabelConfig[];
}

/** Prometheus's common HTTP client settings (prometheus/common config.HTTPClientConfig). */
export interface HttpClientConfig extends ProxySettings {
  readonly basicAuth?: BasicAuth;
  readonly authorization?: Authorization;
  readonly oauth2?: OAuth2;
  readonly tlsConfig: TlsConfig;
  readonly followRedirects: boolean;
  readonly enableHttp2: boolean;
  readonly httpHeaders: Readonly<Record<string, HttpHeader>>;
}

export interface BasicAuth {
  readonly username: string;
  readonly usernameFile: string;
  readonly password: string;
  readonly passwordFile: string;
}

/** `Authorization: <type> <credentials>`; `bearer_token(_file)` load as type Bearer. */
export interface Authorization {
  readonly type: string;
  readonly credentials: string;
  readonly credentialsFile: string;
}

/** Proxy settings of an HTTP client and of an oauth2 token client. */
export interface ProxySettings {
  readonly proxyUrl: string;
  readonly noProxy: string;
  readonly proxyFromEnvironment: boolean;
  readonly proxyConnectHeader: Readonly<Record<string, readonly string[]>>;
}

/** OAuth 2.0 client credentials; the proxy settings apply to the token requests. */
export interface OAuth2 extends ProxySettings {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly clientSecretFile: string;
  readonly scopes: readonly string[];
  readonly tokenUrl: string;
  readonly endpointParams: Readonly<Record<string, string>>;
  readonly tlsConfig: TlsConfig;
}

export interface TlsConfig {
  readonly ca: string;
  readonly caFile: string;
  readonly cert: string;
  readonly certFile: string;
  readonly key: string;
  readonly keyFile: string;
  readonly serverName: string;
  readonly insecureSkipVerify: boolean;
  /** '' or one of TLS10, TLS11, TLS12, TLS13. */
  readonly minVersion: string;
  readonly maxVersion: string;
}

export interface HttpHeader {
  readonly values: readonly string[];
  readonly secrets: readonly string[];
  readonly files: readonly string[];
}

/** One `*_sd_configs` entry (or the whole `static_configs` list of a job). */
export type SdConfig = StaticSdConfig | FileSdConfig | HttpSdConfig | DnsSdConfig | ConsulSdConfig | EtcdSdConfig;

export interface StaticSdConfig {
  readonly kind: 'static';
  /** Sources are the index of each entry: '0', '1', ... */
  readonly groups: readonly TargetGroup[];
}

export interface FileSdConfig {
  readonly kind: 'file';
  /** Patterns as written, resolved against the config file's directory. */
  readonly files: readonly string[];
  readonly refreshInterval: number;
}

export interface HttpSdConfig {
  readonly kind: 'http';
  readonly url: string;
  readonly refreshInterval: number;
  readonly httpClient: HttpClientConfig;
}

export type DnsRecordType = 'SRV' | 'A' | 'AAAA' | 'MX' | 'NS';

export interface DnsSdConfig {
  readonly kind: 'dns';
  readonly names: readonly string[];
  readonly type: DnsRecordType;
  /** Required for every type but SRV. */
  readonly port: number;
  readonly refreshInterval: number;
}

export interface ConsulSdConfig {
  readonly kind: 'consul';
  readonly server: string;
  readonly pathPrefix: string;
  readonly token: string;
  readonly datacenter: string;
  readonly namespace: string;
  readonly partition: string;
  readonly scheme: 'http' | 'https';
  readonly services: readonly string[];
  readonly tags: readonly string[];
  readonly nodeMeta: Readonly<Record<string, string>>;
  readonly filter: string;
  readonly healthFilter: string;
  readonly tagSeparator: string;
  readonly allowStale: boolean;
  readonly refreshInterval: number;
  readonly httpClient: HttpClientConfig;
}

/** Vigil's extension (Prometheus has no etcd discovery): targets stored under a key prefix of etcd v3. */
export interface EtcdSdConfig {
  readonly kind: 'etcd';
  /** Base URLs of etcd's v3 JSON gateway, e.g. `http://127.0.0.1:2379`; tried in order. */
  readonly endpoints: readonly string[];
  readonly prefix: string;
  /** How often the whole prefix is read again even when the watch is healthy. */
  readonly refreshInterval: number;
  readonly httpClient: HttpClientConfig;
}

export interface AlertingConfig {
  readonly alertRelabelConfigs: readonly RelabelConfig[];
  readonly alertmanagers: readonly AlertmanagerConfig[];
}

export interface AlertmanagerConfig {
  readonly apiVersion: 'v2';
  readonly pathPrefix: string;
  readonly scheme: 'http' | 'https';
  readonly timeout: number;
  readonly httpClient: HttpClientConfig;
  readonly serviceDiscoveryConfigs: readonly SdConfig[];
  readonly relabelConfigs: readonly RelabelConfig[];
  readonly alertRelabelConfigs: readonly RelabelConfig[];
}

export interface QueueConfig {
  readonly capacity: number;
  readonly maxShards: number;
  readonly minShards: number;
  readonly maxSamplesPerSend: number;
  readonly batchSendDeadline: number;
  readonly minBackoff: number;
  readonly maxBackoff: number;
  readonly retryOnHttp429: boolean;
  readonly sampleAgeLimit: number;
}

export interface RemoteWriteConfig {
  readonly url: string;
  readonly name: string;
  readonly remoteTimeout: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly protobufMessage: string;
  readonly sendExemplars: boolean;
  readonly sendNativeHistograms: boolean;
  readonly roundRobinDns: boolean;
  readonly writeRelabelConfigs: readonly RelabelConfig[];
  readonly queueConfig: QueueConfig;
  readonly metadataConfig: { readonly send: boolean; readonly sendInterval: number; readonly maxSamplesPerSend: number };
  readonly httpClient: HttpClientConfig;
}

export interface RemoteReadConfig {
  readonly url: string;
  readonly name: string;
  readonly remoteTimeout: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly readRecent: boolean;
  readonly filterExternalLabels: boolean;
  /** Label matchers as written (`name: value` equality), applied to every query. */
  readonly requiredMatchers: Readonly<Record<string, string>>;
  readonly httpClient: HttpClientConfig;
}

export interface StorageConfig {
  readonly tsdb: { readonly outOfOrderTimeWindow: number };
  readonly exemplars: { readonly maxExemplars: number };
}

export interface TracingConfig {
  readonly clientType: 'grpc' | 'http';
  readonly endpoint: string;
  readonly samplingFraction: number;
  readonly insecure: boolean;
  readonly headers: Readonly<Record<string, string>>;
  readonly compression: string;
  readonly timeout: number;
  readonly tlsConfig: TlsConfig;
}
