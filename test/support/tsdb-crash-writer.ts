// Child process for the crash test: appends to a DB as fast as it can and prints "ack <t>" after each commit.
// Usage: node tsdb-crash-writer.js <data dir>. Series k has value t*10+k at every t = 1, 2, 3, … (contiguous).

import { Labels } from '../../src/model/labels.js';
import { Matcher } from '../../src/model/matcher.js';
import { Db } from '../../src/tsdb/db.js';

export const CRASH_SERIES = 8;
export const CRASH_DB_OPTIONS = { blockRange: 2000, walSegmentSize: 32 * 1024, retentionMs: 0 } as const;

async function main(dir: string): Promise<void> {
  const db = await Db.open(dir, { ...CRASH_DB_OPTIONS, logger: () => undefined });
  let t = 0;
  const q = db.querier(-Infinity, Infinity);
  const set = q.select([new Matcher('=', '__name__', 'crash')]);
  while (set.next()) {
    const it = set.at().iterator();
    while (it.next()) t = Math.max(t, it.atT());
  }
  q.close();
  process.stdout.write(`ready ${t}\n`);
  const labels = Array.from({ length: CRASH_SERIES }, (_, k) => Labels.from({ __name__: 'crash', k: String(k) }));
  const refs = new Array<number>(CRASH_SERIES).fill(0);
  for (let commits = 0; ; commits++) {
    const app = db.appender();
    const batch = 1 + (commits % 5);
    for (let i = 0; i < batch; i++) {
      t++;
      for (let k = 0; k < CRASH_SERIES; k++) refs[k] = app.append(refs[k] as number, labels[k] as Labels, t, t * 10 + k);
    }
    await app.commit();
    process.stdout.write(`ack ${t}\n`);
    if (commits % 40 === 39) await db.compact();
  }
}

if (process.argv[2] !== undefined) {
  main(process.argv[2]).catch((err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exit(1);
  });
}
