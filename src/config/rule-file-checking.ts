// Structural checks of a Prometheus rule file (groups, rules, fields), as `check config` runs on each rule file.
// PromQL expressions are not parsed here; `vigil check rules` owns full rule validation.

import { isValidLabelName } from '../model/relabel.js';
import { ConfigError, YamlDecoder, duration, str, strMap, uint } from './yaml-decoder.js';
import type { Position } from '../model/errors.js';

const METRIC_NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** One problem in a rule file, with where it is (Prometheus reports several at once). */
export interface RuleFileProblem {
  readonly position: Position;
  readonly message: string;
}

/**
 * Checks `text` as a rule file: strict keys, unique group names, each rule either `record` or `alert` with an
 * `expr`, valid recording-rule names and label names, no `for`/`annotations` on recording rules. Returns the
 * number of rules, or the problems found (a YAML or structure error is reported alone, as Prometheus does).
 */
export function checkRuleFile(text: string, file: string): { rules: number; problems: RuleFileProblem[] } {
  const problems: RuleFileProblem[] = [];
  let rules = 0;
  try {
    const d = YamlDecoder.parse(text, file);
    const top = d.fields(d.root, 'rulefmt.RuleGroups', ['groups']);
    const groupNames = new Set<string>();
    for (const g of d.seq(top.get('groups') ?? null, '[]rulefmt.RuleGroup')) {
      const f = d.fields(g, 'rulefmt.RuleGroup', ['name', 'interval', 'query_offset', 'limit', 'labels', 'rules']);
      const name = f.opt('name', str, '');
      if (name === '') problems.push({ position: d.position(g), message: 'Groupname must not be empty' });
      if (groupNames.has(name)) problems.push({ position: d.position(f.get('name')), message: `groupname: ${JSON.stringify(name)} is repeated in the same file` });
      groupNames.add(name);
      f.opt('interval', duration, 0);
      f.opt('query_offset', duration, 0);
      f.opt('limit', uint, 0);
      f.opt('labels', strMap, {});
      d.seq(f.get('rules') ?? null, '[]rulefmt.Rule').forEach((r, i) => {
        rules++;
        const rf = d.fields(r, 'rulefmt.Rule', ['record', 'alert', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations']);
        const record = rf.opt('record', str, '');
        const alert = rf.opt('alert', str, '');
        const at = (n: unknown): Position => d.position((n ?? r) as Parameters<YamlDecoder['position']>[0]);
        const say = (node: unknown, msg: string): void => {
          problems.push({ position: at(node), message: `group ${JSON.stringify(name)}, rule ${i + 1}, ${JSON.stringify(record || alert)}: ${msg}` });
        };
        rf.opt('for', duration, 0);
        rf.opt('keep_firing_for', duration, 0);
        const labels = rf.opt('labels', strMap, {});
        const annotations = rf.opt('annotations', strMap, {});
        if (record !== '' && alert !== '') say(rf.get('record'), "only one of 'record' and 'alert' must be set");
        if (record === '' && alert === '') say(null, "one of 'record' or 'alert' must be set");
        if (rf.opt('expr', str, '') === '') say(rf.get('expr'), "field 'expr' must be set in rule");
        if (record !== '') {
          if (Object.keys(annotations).length > 0) say(rf.get('record'), "invalid field 'annotations' in recording rule");
          if (rf.has('for')) say(rf.get('record'), "invalid field 'for' in recording rule");
          if (rf.has('keep_firing_for')) say(rf.get('record'), "invalid field 'keep_firing_for' in recording rule");
          if (!METRIC_NAME_RE.test(record)) say(rf.get('record'), `invalid recording rule name: ${record}`);
        }
        for (const n of Object.keys(labels)) if (!isValidLabelName(n)) say(rf.get('labels'), `invalid label name: ${n}`);
        for (const n of Object.keys(annotations)) if (!isValidLabelName(n)) say(rf.get('annotations'), `invalid annotation name: ${n}`);
      });
    }
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return { rules: 0, problems: [{ position: err.position, message: err.detail }] };
  }
  return { rules, problems };
}
