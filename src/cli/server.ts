// `vigil server`: runs the monitoring server (Prometheus's flags), reloading on SIGHUP until SIGINT/SIGTERM.

import { systemClock } from '../model/clock.js';
import { createLogger } from '../model/logger.js';
import { Db } from '../tsdb/db.js';
import { PromqlQueryService } from '../web/promql-query-service.js';
import { warmUpQueries } from '../web/query-warmup.js';
import { snapshotDb } from '../web/tsdb-snapshot.js';
import { FlagError, parseServerFlags, SERVER_FLAGS_HELP } from '../web/server-flags.js';
import type { ServerStorage } from '../web/vigil-server.js';
import { VigilServer } from '../web/vigil-server.js';
import type { Command, CommandIO } from './command.js';
import { UsageError } from './command.js';
import { tuneServerGc } from './server-gc.js';

/** Rounds of the query warm-up after start (each runs every warm-up query instant and range; ~60 ms of CPU a round). */
const QUERY_WARMUP_ROUNDS = Number(process.env.VIGIL_QUERY_WARMUP_ROUNDS ?? 10);

const HELP = `usage: vigil server [<flags>]

Run the Vigil server: scrape targets, store samples, answer Prometheus's HTTP API.
Without --config.file it scrapes itself every 15s (job "vigil").

${SERVER_FLAGS_HELP}`;

export const serverCommand: Command = {
  path: ['server'],
  summary: 'Run the monitoring server (Prometheus-compatible flags and API).',
  help: HELP,
  async run(args: string[], io: CommandIO, signal: AbortSignal): Promise<number> {
    let flags;
    try {
      flags = parseServerFlags(args);
    } catch (err) {
      if (err instanceof FlagError) throw new UsageError(err.message);
      throw err;
    }
    tuneServerGc();
    const logger = createLogger({ level: flags.logLevel, format: flags.logFormat, write: (l) => io.stderr.write(l) });
    logger.info('Starting Vigil', { version: '0.1.0', node: process.version });
    const tsdbLog = logger.with({ component: 'tsdb' });
    let db: Db;
    try {
      db = await Db.open(flags.storagePath, {
        retentionMs: flags.retentionTime,
        retentionBytes: flags.retentionSize,
        logger: (level, msg, fields) => tsdbLog[level](msg, fields),
      }, signal);
    } catch (err) {
      logger.error('Opening storage failed', { path: flags.storagePath, err: err instanceof Error ? err : String(err) });
      return 1;
    }
    const background = new AbortController();
    db.runBackground(background.signal);
    const head = db.head;
    const storage: ServerStorage = {
      appender: () => db.appender(),
      querier: (mint, maxt) => db.querier(mint, maxt),
      close: async () => {
        background.abort();
        await db.close();
      },
      headStats: () => ({ numSeries: head.numSeries, chunkCount: db.stats.headChunks, minTime: head.minTime(), maxTime: head.maxTime() }),
      walReplayStatus: () => db.walReplayStatus(),
    };
    const queries = new PromqlQueryService({
      queryable: storage,
      timeout: flags.queryTimeout,
      lookbackDelta: flags.queryLookbackDelta,
      maxSamples: flags.queryMaxSamples,
      maxConcurrency: flags.queryMaxConcurrency,
    });
    const server = new VigilServer({
      flags, logger, clock: systemClock, storage, queries, tsdbStats: db.stats,
      snapshot: (skipHead) => snapshotDb(db, skipHead, Date.now()),
      deleteSeries: (matchers, mint, maxt) => {
        db.delete(matchers, mint, maxt);
      },
      cleanTombstones: () => db.cleanTombstones(),
    });
    try {
      await server.start();
    } catch (err) {
      logger.error('Could not start the server', { err: err instanceof Error ? err : String(err) });
      await server.stop().catch(() => undefined);
      return 1;
    }
    const warmup = performance.now();
    warmUpQueries(QUERY_WARMUP_ROUNDS, background.signal).then(
      (queries) => logger.debug('Query engine warmed up', { queries, ms: Math.round(performance.now() - warmup) }),
      (err: unknown) => {
        if (!background.signal.aborted) logger.warn('Query warm-up failed', { err: err instanceof Error ? err : String(err) });
      },
    );
    const onHup = (): void => {
      logger.info('Received SIGHUP, reloading configuration');
      server.reload().catch(() => undefined);
    };
    process.on('SIGHUP', onHup);
    await new Promise<void>((resolve) => {
      if (signal.aborted || server.quitSignal.aborted) return resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
      server.quitSignal.addEventListener('abort', () => resolve(), { once: true });
    });
    process.off('SIGHUP', onHup);
    logger.info('Stopping Vigil');
    await server.stop();
    logger.info('See you next time!');
    return 0;
  },
};
