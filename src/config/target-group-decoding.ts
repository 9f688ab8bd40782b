// Target groups as written in static_configs and in file_sd / http_sd documents: `{targets: [...], labels: {...}}`.

import { Labels } from '../model/labels.js';
import { isValidLabelName } from '../model/relabel.js';
import type { TargetGroup } from '../model/target-group.js';
import type { YamlValue } from './yaml-decoder.js';
import { scalarText, str, YamlDecoder } from './yaml-decoder.js';

/** Decodes one `{targets, labels}` mapping into a group with the given source. */
export function decodeTargetGroup(d: YamlDecoder, node: YamlValue, source: string, extraLabels?: Record<string, string>): TargetGroup {
  const f = d.fields(node, 'target group', ['targets', 'labels']);
  const targets = d.seq(f.get('targets') ?? null, '[]string').map((n) => {
    const addr = str(d, n);
    if (addr.includes('/')) d.fail(n, `${JSON.stringify(addr)} is not a valid hostname`);
    return Labels.from({ __address__: addr });
  });
  const labels: Record<string, string> = {};
  for (const [k, v] of d.entries(f.get('labels') ?? null, 'model.LabelSet')) {
    const name = scalarText(k);
    if (!isValidLabelName(name)) d.fail(k, `${JSON.stringify(name)} is not a valid label name`);
    labels[name] = str(d, v);
  }
  return { source, targets, labels: Labels.from({ ...labels, ...extraLabels }) };
}

/**
 * Parses a file_sd / http_sd document: a list of target groups, in JSON or YAML (JSON is read by the same strict
 * parser, so errors have positions). Sources are `<sourcePrefix>:<index>`; `extraLabels` go on every group.
 * Throws ConfigError naming `file`, line and column.
 */
export function parseTargetGroups(text: string, file: string, sourcePrefix: string, extraLabels?: Record<string, string>): TargetGroup[] {
  const d = YamlDecoder.parse(text, file);
  return d.seq(d.root, '[]*targetgroup.Group').map((n, i) => decodeTargetGroup(d, n, `${sourcePrefix}:${i}`, extraLabels));
}
