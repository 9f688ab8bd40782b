// Tests of Go string unquoting/quoting as PromQL uses them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goQuote, isValidUtf8, StringEscapeError, unquoteGo, utf8Length } from './go-string.js';

test('unquoteGo resolves Go escapes in all three quote styles', () => {
  assert.equal(unquoteGo('"a\\tb\\n\\"c\\"\\\\"'), 'a\tb\n"c"\\');
  assert.equal(unquoteGo("'it\\'s'"), "it's");
  assert.equal(unquoteGo('`raw\\n`'), 'raw\\n');
  assert.equal(unquoteGo('"\\u00e4\\U0001F600\\x41\\101\\a\\v\\f\\b\\r"'), 'ä😀AA\x07\v\f\b\r');
  assert.equal(unquoteGo('"\\xc3\\xa4"'), 'ä');
});

test('invalid UTF-8 from byte escapes is kept as surrogate escapes', () => {
  const s = unquoteGo('"a\\xc5z"');
  assert.equal(s.length, 3);
  assert.equal(isValidUtf8(s), false);
  assert.equal(goQuote(s), '"a\\xc5z"');
  assert.equal(utf8Length(s), 3);
  assert.equal(isValidUtf8('日本😀'), true);
});

test('bad escapes fail with Prometheus wording', () => {
  const msg = (lit: string): string => {
    try {
      unquoteGo(lit);
    } catch (e) {
      assert.ok(e instanceof StringEscapeError);
      return e.message;
    }
    return 'ok';
  };
  assert.equal(msg('"\\q"'), "unknown escape sequence U+0071 'q'");
  assert.equal(msg('"\\\'"'), "unknown escape sequence U+0027 '''");
  assert.equal(msg('"\\xZZ"'), "illegal character U+005A 'Z' in escape sequence");
  assert.equal(msg('"\\ud800"'), 'escape sequence is an invalid Unicode code point');
  assert.equal(msg('"\\400"'), 'escape sequence is an invalid Unicode code point');
});

test('goQuote matches strconv.Quote', () => {
  assert.equal(goQuote('plain'), '"plain"');
  assert.equal(goQuote('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(goQuote('\n\t\x00\x7f'), '"\\n\\t\\x00\\x7f"');
  assert.equal(goQuote('日本'), '"日本"');
  assert.equal(goQuote('\u200b'), '"\\u200b"');
  assert.equal(utf8Length('aé日😀'), 1 + 2 + 3 + 4);
});
