// Decoding of the service-discovery blocks of a scrape job or Alertmanager set (`static_configs`, `*_sd_configs`).

import type { ConsulSdConfig, DnsRecordType, DnsSdConfig, EtcdSdConfig, FileSdConfig, HttpSdConfig, SdConfig, StaticSdConfig } from './prometheus-config.js';
import { decodeHttpClient, HTTP_CLIENT_KEYS, resolvePath } from './http-client-decoding.js';
import { decodeTargetGroup } from './target-group-decoding.js';
import type { Fields, YamlValue , YamlDecoder } from './yaml-decoder.js';
import { bool, duration, str, strList, strMap, uint } from './yaml-decoder.js';

export const SD_KEYS = ['static_configs', 'file_sd_configs', 'http_sd_configs', 'dns_sd_configs', 'consul_sd_configs', 'etcd_sd_configs'] as const;

/** Prometheus's other discovery mechanisms: named so a config using one gets a clear refusal, not "unknown field". */
const UNSUPPORTED_SD = [
  'azure_sd_configs', 'digitalocean_sd_configs', 'docker_sd_configs', 'dockerswarm_sd_configs', 'ec2_sd_configs', 'eureka_sd_configs',
  'gce_sd_configs', 'hetzner_sd_configs', 'ionos_sd_configs', 'kubernetes_sd_configs', 'kuma_sd_configs', 'lightsail_sd_configs',
  'linode_sd_configs', 'marathon_sd_configs', 'nerve_sd_configs', 'nomad_sd_configs', 'openstack_sd_configs', 'ovhcloud_sd_configs',
  'puppetdb_sd_configs', 'scaleway_sd_configs', 'serverset_sd_configs', 'triton_sd_configs', 'uyuni_sd_configs', 'vultr_sd_configs',
  'stackit_sd_configs',
];

/** Keys refused with a reason, for `Fields` of a mapping that holds SD blocks. */
export const UNSUPPORTED_SD_REASONS: Readonly<Record<string, string>> = Object.fromEntries(
  UNSUPPORTED_SD.map((k) => [k, `${k} is not supported by Vigil (supported: ${SD_KEYS.join(', ')})`]),
);

const FILE_SD_PATTERN = /^[^*]*(\*[^/]*)?\.(json|yml|yaml|JSON|YML|YAML)$/;

/** Every SD block present in `f`, in the order of SD_KEYS. Static configs become one SdConfig for the job. */
export function decodeSdConfigs(d: YamlDecoder, f: Fields): SdConfig[] {
  const out: SdConfig[] = [];
  const statics = d.seq(f.get('static_configs') ?? null, '[]*targetgroup.Group');
  if (statics.length > 0) {
    const cfg: StaticSdConfig = { kind: 'static', groups: statics.map((n, i) => decodeTargetGroup(d, n, String(i))) };
    out.push(cfg);
  }
  for (const n of d.seq(f.get('file_sd_configs') ?? null, '[]*file.SDConfig')) out.push(decodeFileSd(d, n));
  for (const n of d.seq(f.get('http_sd_configs') ?? null, '[]*http.SDConfig')) out.push(decodeHttpSd(d, n));
  for (const n of d.seq(f.get('dns_sd_configs') ?? null, '[]*dns.SDConfig')) out.push(decodeDnsSd(d, n));
  for (const n of d.seq(f.get('consul_sd_configs') ?? null, '[]*consul.SDConfig')) out.push(decodeConsulSd(d, n));
  for (const n of d.seq(f.get('etcd_sd_configs') ?? null, '[]*etcd.SDConfig')) out.push(decodeEtcdSd(d, n));
  return out;
}

function decodeFileSd(d: YamlDecoder, node: YamlValue): FileSdConfig {
  const f = d.fields(node, 'file_sd_config', ['files', 'refresh_interval']);
  const files = f.opt('files', strList, []);
  if (files.length === 0) d.fail(node, 'file service discovery config must contain at least one path name');
  for (const p of files) if (!FILE_SD_PATTERN.test(p)) d.fail(f.get('files'), `path name ${JSON.stringify(p)} is not valid for file discovery`);
  return { kind: 'file', files: files.map((p) => resolvePath(d, p)), refreshInterval: f.opt('refresh_interval', duration, 5 * 60_000) };
}

function checkHttpUrl(d: YamlDecoder, node: YamlValue | undefined, text: string, missing: string): void {
  if (text === '') d.fail(node, missing);
  const url = d.at(node, () => new URL(text));
  if (url.protocol !== 'http:' && url.protocol !== 'https:') d.fail(node, "URL scheme must be 'http' or 'https'");
  if (url.host === '') d.fail(node, 'host is missing in URL');
}

function decodeHttpSd(d: YamlDecoder, node: YamlValue): HttpSdConfig {
  const f = d.fields(node, 'http_sd_config', ['url', 'refresh_interval', ...HTTP_CLIENT_KEYS]);
  const url = f.opt('url', str, '');
  checkHttpUrl(d, f.get('url') ?? node, url, 'URL is missing');
  return { kind: 'http', url, refreshInterval: f.opt('refresh_interval', duration, 60_000), httpClient: decodeHttpClient(d, f) };
}

function decodeDnsSd(d: YamlDecoder, node: YamlValue): DnsSdConfig {
  const f = d.fields(node, 'dns_sd_config', ['names', 'type', 'port', 'refresh_interval']);
  const names = f.opt('names', strList, []);
  if (names.length === 0) d.fail(node, 'DNS-SD config must contain at least one SRV record name');
  const typeText = f.opt('type', str, '') || 'SRV';
  const type = typeText.toUpperCase() as DnsRecordType;
  const port = f.opt('port', uint, 0);
  if (!['SRV', 'A', 'AAAA', 'MX', 'NS'].includes(type)) d.fail(f.get('type'), `invalid DNS-SD records type ${typeText}`);
  if (type !== 'SRV' && port === 0) d.fail(node, 'a port is required in DNS-SD configs for all record types except SRV');
  if (port > 65535) d.fail(f.get('port'), `invalid port ${port}`);
  return { kind: 'dns', names, type, port, refreshInterval: f.opt('refresh_interval', duration, 30_000) };
}

function decodeConsulSd(d: YamlDecoder, node: YamlValue): ConsulSdConfig {
  const f = d.fields(node, 'consul_sd_config', [
    'server', 'path_prefix', 'token', 'datacenter', 'namespace', 'partition', 'scheme', 'username', 'password', 'services', 'tags',
    'node_meta', 'filter', 'health_filter', 'tag_separator', 'allow_stale', 'refresh_interval', ...HTTP_CLIENT_KEYS,
  ]);
  const server = f.opt('server', str, 'localhost:8500');
  if (server.trim() === '') d.fail(f.get('server') ?? node, 'consul SD configuration requires a server address');
  const scheme = f.opt('scheme', str, 'http');
  if (scheme !== 'http' && scheme !== 'https') d.fail(f.get('scheme'), `invalid scheme ${JSON.stringify(scheme)} for consul SD`);
  const username = f.opt('username', str, '');
  const password = f.opt('password', str, '');
  let httpClient = decodeHttpClient(d, f);
  if (username !== '' || password !== '') {
    if (httpClient.basicAuth !== undefined || httpClient.authorization !== undefined || httpClient.oauth2 !== undefined) {
      d.fail(node, 'at most one of consul SD configuration username and password, basic auth, authorization or oauth2 can be configured');
    }
    httpClient = { ...httpClient, basicAuth: { username, usernameFile: '', password, passwordFile: '' } };
  }
  const token = f.opt('token', str, '');
  if (token !== '' && (httpClient.authorization !== undefined || httpClient.oauth2 !== undefined)) {
    d.fail(node, 'at most one of consul SD token, authorization, or oauth2 can be configured');
  }
  return {
    kind: 'consul', server, pathPrefix: f.opt('path_prefix', str, ''), token, datacenter: f.opt('datacenter', str, ''),
    namespace: f.opt('namespace', str, ''), partition: f.opt('partition', str, ''), scheme, services: f.opt('services', strList, []),
    tags: f.opt('tags', strList, []), nodeMeta: f.opt('node_meta', strMap, {}), filter: f.opt('filter', str, ''),
    healthFilter: f.opt('health_filter', str, ''), tagSeparator: f.opt('tag_separator', str, ','), allowStale: f.opt('allow_stale', bool, true),
    refreshInterval: f.opt('refresh_interval', duration, 30_000), httpClient,
  };
}

function decodeEtcdSd(d: YamlDecoder, node: YamlValue): EtcdSdConfig {
  const f = d.fields(node, 'etcd_sd_config', ['endpoints', 'prefix', 'refresh_interval', ...HTTP_CLIENT_KEYS]);
  const endpoints = f.opt('endpoints', strList, []);
  if (endpoints.length === 0) d.fail(node, 'etcd SD configuration requires at least one endpoint');
  for (const e of endpoints) checkHttpUrl(d, f.get('endpoints'), e, 'etcd endpoint is empty');
  const prefix = f.opt('prefix', str, '');
  if (prefix === '') d.fail(node, 'etcd SD configuration requires a key prefix');
  return {
    kind: 'etcd', endpoints, prefix, refreshInterval: f.opt('refresh_interval', duration, 5 * 60_000), httpClient: decodeHttpClient(d, f),
  };
}
