// The seam between the scrape loop and the exposition parsers: what the loop reads from a scraped body.

import type { Labels } from '../model/labels.js';

/** What `next()` stopped at. Comments and other lines are skipped by the parser. */
export type ParserEntry = 'series' | 'type' | 'help' | 'unit' | 'eof';

/**
 * A pull parser over one scraped body. After `next()` returns 'series', `bytes()`/`seriesStart()`/`seriesEnd()`, `value()`, `timestamp()` and
 * `labels()` describe that sample; after 'type'/'help'/'unit', `family()` and `text()` describe the metadata.
 * `next()` throws a ParseError on bad input.
 */
export interface ScrapeParser {
  /** Names the format being parsed (text, OpenMetrics) with a small number: series texts are trusted per format. */
  readonly format: number;
  next(): ParserEntry;
  /**
   * The body being parsed; with `seriesStart()`/`seriesEnd()` the byte range of the series exactly as written
   * (name and label block): the scrape cache's key, read without building a string or parsing labels.
   */
  bytes(): Uint8Array;
  seriesStart(): number;
  seriesEnd(): number;
  value(): number;
  /** The sample's own timestamp in ms, or undefined. */
  timestamp(): number | undefined;
  /**
   * The labels of the current series including `__name__` (parses; call only on a cache miss). Throws after a
   * series `known` (of the factory) accepted: its labels were skipped.
   */
  labels(): Labels;
  /** The metric family a type/help/unit entry is about. */
  family(): string;
  /** The type name (`counter`, ...), help text or unit. */
  text(): string;
}

/**
 * Asked before a series' labels are read: whether the bytes `buf[start, end)` (the series text) were read whole
 * before in `format`; returns `end` if so, else -1. Known series texts skip the checking and decoding of their label
 * blocks. With `end` -1 it may propose where the known series text starting at `start` ends (the parser checks that
 * the series text really ends there), or return -1.
 */
export type KnownSeries = (buf: Uint8Array, start: number, end: number, format: number) => number;

/**
 * Picks a parser for a body from its Content-Type. Throws an Error with a message fit for /api/v1/targets when
 * the content type is not supported and there is no fallback.
 */
export type ParserFactory = (body: Buffer, contentType: string, fallback: string, known?: KnownSeries) => ScrapeParser;
