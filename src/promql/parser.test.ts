// Table-driven tests of the PromQL parser and single-line printer. The canonical forms and error messages of the
// core language were checked against Prometheus 2.42's /api/v1/format_query (test/promql-vs-prometheus.test.ts
// re-checks them live); cases for 3.x features follow Prometheus 3.14's grammar.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BinaryExpr, Expr, MatrixSelector, NumberLiteral, SubqueryExpr, VectorSelector } from './ast.js';
import { ALL_FEATURES, MAX_NESTING, MAX_TREE_DEPTH, parseExpr, parseMetricSelector } from './parser.js';
import { PromQLParseError } from './parse-error.js';
import { exprToString } from './printer.js';

/** [query, canonical single-line form]. */
const CANONICAL: readonly (readonly [string, string])[] = [
  ["foo", "foo"],
  ["foo{}", "foo"],
  ["{__name__=\"foo\"}", "{__name__=\"foo\"}"],
  ["foo{b=\"2\",a=\"1\"}", "foo{a=\"1\",b=\"2\"}"],
  ["foo{a!=\"b\",c=~\"d.*\",e!~\"f\"}", "foo{a!=\"b\",c=~\"d.*\",e!~\"f\"}"],
  ["foo{a=\"b\",}", "foo{a=\"b\"}"],
  ["foo:bar:baz", "foo:bar:baz"],
  ["{\"foo\"}", "{__name__=\"foo\"}"],
  ["{\"my.metric\", \"a.b\"=\"c\"}", "{\"a.b\"=\"c\",__name__=\"my.metric\"}"],
  ["foo{\"a-b\"=\"c\"}", "foo{\"a-b\"=\"c\"}"],
  ["sum by (a) (foo)", "sum by (a) (foo)"],
  ["sum(foo) by (a)", "sum by (a) (foo)"],
  ["sum without (a, b) (foo)", "sum without (a, b) (foo)"],
  ["sum by () (foo)", "sum(foo)"],
  ["sum without () (foo)", "sum without () (foo)"],
  ["SUM(foo)", "sum(foo)"],
  ["Sum By (a) (foo)", "sum by (a) (foo)"],
  ["topk(3, foo)", "topk(3, foo)"],
  ["count_values(\"v\", foo)", "count_values(\"v\", foo)"],
  ["quantile(0.9, foo) by (job)", "quantile by (job) (0.9, foo)"],
  ["stddev(foo)", "stddev(foo)"],
  ["group(foo)", "group(foo)"],
  ["1 + 2 * 3", "1 + 2 * 3"],
  ["(1 + 2) * 3", "(1 + 2) * 3"],
  ["2 ^ 3 ^ 2", "2 ^ 3 ^ 2"],
  ["-2 ^ 2", "-2 ^ 2"],
  ["-(2) ^ 2", "-(2) ^ 2"],
  ["- -1", "1"],
  ["1 - -1", "1 - -1"],
  ["+1", "1"],
  ["-foo", "-foo"],
  ["-foo * bar", "-foo * bar"],
  ["foo + bar * baz", "foo + bar * baz"],
  ["foo or bar and baz", "foo or bar and baz"],
  ["foo unless bar or baz", "foo unless bar or baz"],
  ["foo and bar unless baz", "foo and bar unless baz"],
  ["foo > bool 1", "foo > bool 1"],
  ["1 > bool 2", "1 > bool 2"],
  ["foo == bool on(a) bar", "foo == bool on (a) bar"],
  ["foo * on(a, b) group_left(c) bar", "foo * on (a, b) group_left (c) bar"],
  ["foo * ignoring(a) group_right bar", "foo * ignoring (a) group_right () bar"],
  ["foo / on() bar", "foo / on () bar"],
  ["foo and on(a) bar", "foo and on (a) bar"],
  ["foo or ignoring(a) bar", "foo or ignoring (a) bar"],
  ["foo atan2 bar", "foo atan2 bar"],
  ["foo % 2", "foo % 2"],
  ["foo offset 5m", "foo offset 5m"],
  ["foo offset -5m", "foo offset -5m"],
  ["foo offset 1h30m", "foo offset 1h30m"],
  ["foo offset 90m", "foo offset 1h30m"],
  ["foo[5m]", "foo[5m]"],
  ["foo[1h30m]", "foo[1h30m]"],
  ["foo[5m] offset 1w", "foo[5m] offset 1w"],
  ["foo[1y]", "foo[1y]"],
  ["foo[52w]", "foo[52w]"],
  ["foo[365d]", "foo[1y]"],
  ["foo[7d]", "foo[1w]"],
  ["foo[90s]", "foo[1m30s]"],
  ["foo[100ms]", "foo[100ms]"],
  ["foo @ 100", "foo @ 100.000"],
  ["foo @ 1.5", "foo @ 1.500"],
  ["foo @ -10", "foo @ -10.000"],
  ["foo @ start()", "foo @ start()"],
  ["foo @ end()", "foo @ end()"],
  ["foo @ 100 offset 5m", "foo @ 100.000 offset 5m"],
  ["foo offset 5m @ 100", "foo @ 100.000 offset 5m"],
  ["foo[5m] @ 100 offset 1m", "foo[5m] @ 100.000 offset 1m"],
  ["rate(foo[5m])", "rate(foo[5m])"],
  ["rate(foo[5m])[30m:1m]", "rate(foo[5m])[30m:1m]"],
  ["rate(foo[5m])[30m:]", "rate(foo[5m])[30m:]"],
  ["max_over_time(rate(foo[5m])[30m:1m] offset 1h @ 123)", "max_over_time(rate(foo[5m])[30m:1m] @ 123.000 offset 1h)"],
  ["(foo)[5m:]", "(foo)[5m:]"],
  ["sum(foo)[5m:1m]", "sum(foo)[5m:1m]"],
  ["label_replace(foo, \"dst\", \"$1\", \"src\", \"(.*)\")", "label_replace(foo, \"dst\", \"$1\", \"src\", \"(.*)\")"],
  ["label_join(foo, \"dst\", \",\", \"a\", \"b\", \"c\")", "label_join(foo, \"dst\", \",\", \"a\", \"b\", \"c\")"],
  ["round(foo)", "round(foo)"],
  ["round(foo, 5)", "round(foo, 5)"],
  ["histogram_quantile(0.9, rate(foo_bucket[5m]))", "histogram_quantile(0.9, rate(foo_bucket[5m]))"],
  ["time()", "time()"],
  ["pi()", "pi()"],
  ["vector(1)", "vector(1)"],
  ["scalar(foo)", "scalar(foo)"],
  ["\"foo\"", "\"foo\""],
  ["'foo'", "\"foo\""],
  ["`foo\\n`", "\"foo\\\\n\""],
  ["\"a\\tb\\n\\\"c\\\"\\\\\"", "\"a\\tb\\n\\\"c\\\"\\\\\""],
  ["'it\\'s'", "\"it's\""],
  ["\"\\u00e4\\x41\\101\"", "\"äAA\""],
  ["\"日本\"", "\"日本\""],
  ["1", "1"],
  ["1.5", "1.5"],
  [".5", "0.5"],
  ["5.", "5"],
  ["1e3", "1000"],
  ["1E-3", "0.001"],
  ["0x1F", "31"],
  ["0X1f", "31"],
  ["010", "8"],
  ["1_000", "1000"],
  ["Inf", "+Inf"],
  ["-Inf", "-Inf"],
  ["+Inf", "+Inf"],
  ["NaN", "NaN"],
  ["nan", "NaN"],
  ["inf", "+Inf"],
  ["12345678901234567890", "12345678901234567000"],
  ["0.1", "0.1"],
  ["5m", "5m"],
  ["1h30m", "1h30m"],
  ["-5m", "-5m"],
  ["foo # trailing comment", "foo"],
  ["foo", "foo"],
  ["  bar", "bar"],
  ["sum by (job, \"a.b\") (foo)", "sum by (job, \"a.b\") (foo)"],
  ["foo{a=\"\\xff\"}", "foo{a=\"\\xff\"}"],
  ["foo - 1", "foo - 1"],
  ["1 - foo", "1 - foo"],
  ["(((foo)))", "(((foo)))"],
  ["-(foo + bar)", "-(foo + bar)"],
  ["foo @ 1e9", "foo @ 1000000000.000"],
  ["-(-1)", "-(-1)"],
  ["-(1)", "-(1)"],
  ["by{a=\"b\"}", "by{a=\"b\"}"],
  ["offset", "offset"],
  ["sum", "sum"],
  ["start", "start"],
  ["foo + on (a) group_left () bar", "foo + on (a) group_left () bar"],
  // Prometheus 3 features (checked against 3.x grammar, not available in 2.42).
  ['{"foo"}', '{__name__="foo"}'],
  ['{"my.metric", "a.b"="c"}', '{"a.b"="c",__name__="my.metric"}'],
  ['foo{"a-b"="c"}', 'foo{"a-b"="c"}'],
  ['sum by (job, "a.b") (foo)', 'sum by (job, "a.b") (foo)'],
  ['1_000', '1000'],
  ['12345678901234567890', '12345678901234567000'],
  ['1e21', '1000000000000000000000'],
  ['0.000001', '0.000001'],
  ['5m', '5m'],
  ['1h30m', '1h30m'],
  ['-5m', '-5m'],
  ['foo[1800]', 'foo[30m]'],
  ['foo offset 90', 'foo offset 1m30s'],
  ['foo[5m+1m]', 'foo[5m + 1m]'],
  ['foo[2m*(10+5)]', 'foo[2m * (10 + 5)]'],
  ['foo[step()]', 'foo[step()]'],
  ['foo[STep()+1ms]', 'foo[step() + 1ms]'],
  ['foo[min_of(step()+1,1h)]', 'foo[min_of(step() + 1, 1h)]'],
  ['foo[29s+1s:5s+5s]', 'foo[29s + 1s:5s + 5s]'],
  ['foo offset -step()*2', 'foo offset -step() * 2'],
  ['foo offset (-step()*2)', 'foo offset (-step() * 2)'],
  ['foo offset -(min_of(step(), 1s))+8000', 'foo offset -(min_of(step(), 1s)) + 8000'],
  ['foo offset (100 + 2)', 'foo offset (100 + 2)'],
  ['foo offset 100 + 2', 'foo offset 1m40s + 2'],
  ['foo offset (5m)', 'foo offset 5m'],
  ['foo offset range()', 'foo offset range()'],
  ['foo[5m] anchored', 'foo[5m] anchored'],
  ['rate(foo[5m] smoothed)', 'rate(foo[5m] smoothed)'],
  ['foo @ 100 smoothed offset 5m', 'foo @ 100.000 smoothed offset 5m'],
  ['foo[5m] offset 1m anchored', 'foo[5m] anchored offset 1m'],
  ['a + fill(0) b', 'a + fill (0) b'],
  ['a + on(x) group_left fill_left(5) fill_right(7) b', 'a + on (x) group_left () fill_left (5) fill_right (7) b'],
  ['a == bool fill(NaN) b', 'a == bool fill (NaN) b'],
  ['a + fill(1e6) b', 'a + fill (1e+06) b'],
  ['fill + fill_left', 'fill + fill_left'],
  ['h </ 2', 'h </ 2'],
  ['h >/ on (a) b', 'h >/ on (a) b'],
  ['limitk(2, foo)', 'limitk(2, foo)'],
  ['limit_ratio by (a) (0.5, foo)', 'limit_ratio by (a) (0.5, foo)'],
  ['info(foo, {k="v"})', 'info(foo, {k="v"})'],
  ['step() + range() - start() * end()', 'step() + range() - start() * end()'],
  ['min_of(1, max_of(2, 3))', 'min_of(1, max_of(2, 3))'],
  ['histogram_quantiles(foo, "q", 0.5, 0.9)', 'histogram_quantiles(foo, "q", 0.5, 0.9)'],
  // Prometheus accepts repeated grouping labels.
  ['sum by (a, a) (foo)', 'sum by (a, a) (foo)'],
];

/** [query, message]: Prometheus's error text, position included. */
const ERRORS: readonly (readonly [string, string])[] = [
  ["foo bar", "1:5: parse error: unexpected identifier \"bar\""],
  ["sum(", "1:5: parse error: unclosed left parenthesis"],
  ["sum(foo", "1:8: parse error: unclosed left parenthesis"],
  ["sum(foo))", "1:10: parse error: unexpected right parenthesis ')'"],
  ["foo)", "1:5: parse error: unexpected right parenthesis ')'"],
  ["(foo", "1:5: parse error: unclosed left parenthesis"],
  ["foo[0s]", "1:5: parse error: duration must be greater than 0"],
  ["foo @", "1:6: parse error: unexpected end of input in @, expected timestamp"],
  ["foo @ bar", "1:7: parse error: unexpected identifier \"bar\" in @, expected timestamp"],
  ["foo @ start", "1:12: parse error: unexpected end of input in @, expected timestamp"],
  ["sum(foo) offset 5m", "1:1: parse error: offset modifier must be preceded by an instant vector selector or range vector selector or a subquery"],
  ["rate(foo[5m]) @ 10", "1:1: parse error: @ modifier must be preceded by an instant vector selector or range vector selector or a subquery"],
  ["(foo)[5m]", "1:6: parse error: ranges only allowed for vector selectors"],
  ["foo offset 5m [10m]", "1:15: parse error: no offset modifiers allowed before range"],
  ["foo @ 10 [10m]", "1:10: parse error: no @ modifiers allowed before range"],
  ["foo offset 1m offset 2m", "1:1: parse error: offset may not be set multiple times"],
  ["foo @ 1 @ 2", "1:1: parse error: @ <timestamp> may not be set multiple times"],
  ["1 offset 1d", "1:1: parse error: offset modifier must be preceded by an instant vector selector or range vector selector or a subquery"],
  ["{}", "1:1: parse error: vector selector must contain at least one non-empty matcher"],
  ["{a=\"\"}", "1:1: parse error: vector selector must contain at least one non-empty matcher"],
  ["{a=~\".*\"}", "1:1: parse error: vector selector must contain at least one non-empty matcher"],
  ["foo{__name__=\"bar\"}", "1:1: parse error: metric name must not be set twice: \"foo\" or \"bar\""],
  ["foo{a=\"b\",,}", "1:11: parse error: unexpected \",\" in label matching, expected identifier or \"}\""],
  ["foo{a}", "1:6: parse error: unexpected \"}\" in label matching, expected label matching operator"],
  ["foo{a=}", "1:7: parse error: unexpected \"}\" in label matching, expected string"],
  ["foo{a=b}", "1:7: parse error: unexpected identifier \"b\" in label matching, expected string"],
  ["foo{=a}", "1:5: parse error: unexpected \"=\" in label matching, expected identifier or \"}\""],
  ["foo{a:b=\"c\"}", "1:6: parse error: unexpected character inside braces: ':'"],
  ["foo{a=\"b\"", "1:10: parse error: unexpected end of input inside braces"],
  ["{a=\"\\q\"}", "1:4: parse error: unknown escape sequence U+0071 'q'"],
  ["\"\\z\"", "1:1: parse error: unknown escape sequence U+007A 'z'"],
  ["'abc", "1:1: parse error: unterminated quoted string"],
  ["`abc", "1:1: parse error: unterminated raw string"],
  ["\"a", "1:1: parse error: unterminated quoted string"],
  ["b\"", "1:2: parse error: unterminated quoted string"],
  ["foo{a!~\"[a-\"}", "1:5: parse error: error parsing regexp: invalid character class range: `a-)`"],
  ["rate(foo)", "1:6: parse error: expected type range vector in call to function \"rate\", got instant vector"],
  ["rate(foo[5m], 1)", "1:1: parse error: expected 1 argument(s) in call to \"rate\", got 2"],
  ["rate()", "1:1: parse error: expected 1 argument(s) in call to \"rate\", got 0"],
  ["time(1)", "1:1: parse error: expected 0 argument(s) in call to \"time\", got 1"],
  ["unknown_fn(foo)", "1:1: parse error: unknown function with name \"unknown_fn\""],
  ["abs(foo[5m])", "1:5: parse error: expected type instant vector in call to function \"abs\", got range vector"],
  ["label_replace(foo, \"a\", \"b\", \"c\")", "1:1: parse error: expected 5 argument(s) in call to \"label_replace\", got 4"],
  ["label_join(foo)", "1:1: parse error: expected at least 3 argument(s) in call to \"label_join\", got 1"],
  ["round(foo, 1, 2)", "1:1: parse error: expected at most 2 argument(s) in call to \"round\", got 3"],
  ["histogram_quantile(0.9)", "1:1: parse error: expected 2 argument(s) in call to \"histogram_quantile\", got 1"],
  ["sum()", "1:1: parse error: no arguments for aggregate expression provided"],
  ["sum(1, foo)", "1:1: parse error: wrong number of arguments for aggregate expression provided, expected 1, got 2"],
  ["topk(foo)", "1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, got 1"],
  ["topk(foo, 1)", "1:11: parse error: expected type instant vector in aggregation expression, got scalar"],
  ["count_values(1, foo)", "1:14: parse error: expected type string in aggregation parameter, got scalar"],
  ["quantile(\"a\", foo)", "1:10: parse error: expected type scalar in aggregation parameter, got string"],
  ["sum by (a) (foo) by (b)", "1:18: parse error: unexpected <by>"],
  ["sum by foo", "1:8: parse error: unexpected identifier \"foo\" in grouping opts, expected \"(\""],
  ["sum by (a b) (foo)", "1:11: parse error: unexpected identifier \"b\" in grouping opts, expected \",\" or \")\""],
  ["sum foo", "1:5: parse error: unexpected identifier \"foo\""],
  ["sum(foo) without (a,,b)", "1:21: parse error: unexpected \",\" in grouping opts, expected label"],
  ["1 == 1", "1:3: parse error: comparisons between scalars must use BOOL modifier"],
  ["1 and 1", "1:1: parse error: set operator \"and\" not allowed in binary scalar expression"],
  ["foo and 1", "1:1: parse error: set operator \"and\" not allowed in binary scalar expression"],
  ["foo + on(a) 1", "1:1: parse error: vector matching only allowed between instant vectors"],
  ["foo and on(a) group_left bar", "1:1: parse error: no grouping allowed for \"and\" operation"],
  ["foo + on(a) group_left(a) bar", "1:5: parse error: label \"a\" must not occur in ON and GROUP clause at once"],
  ["foo + bool bar", "1:5: parse error: bool modifier can only be used on comparison operators"],
  ["foo == on(a) bool bar", "1:14: parse error: unexpected <bool>"],
  ["a - on(b) ignoring(c) d", "1:11: parse error: unexpected <ignoring>"],
  ["foo + ", "1:7: parse error: unexpected end of input"],
  ["-", "1:2: parse error: unexpected end of input"],
  ["+", "1:2: parse error: unexpected end of input"],
  ["foo ==", "1:7: parse error: unexpected end of input"],
  ["\"a\" + 1", "1:1: parse error: binary expression must contain only scalar and instant vector types"],
  ["foo[5m] + 1", "1:1: parse error: binary expression must contain only scalar and instant vector types"],
  ["-foo[5m]", "1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got \"range vector\""],
  ["-\"a\"", "1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got \"string\""],
  ["(foo)[5m:][1m:]", "1:1: parse error: subquery is only allowed on instant vector, got matrix instead"],
  ["foo[5m][1m:]", "1:1: parse error: subquery is only allowed on instant vector, got matrix instead"],
  ["\"a\"[5m:]", "1:1: parse error: subquery is only allowed on instant vector, got string instead"],
  ["1[5m:]", "1:1: parse error: subquery is only allowed on instant vector, got scalar instead"],
  ["foo ! bar", "1:5: parse error: unexpected character after '!': ' '"],
  ["foo =~ bar", "1:5: parse error: unexpected character after '=': '~'"],
  ["foo = bar", "1:5: parse error: unexpected \"=\""],
  ["# only a comment", "1:1: parse error: no expression found in input"],
  ["foo{a=\"b\"} @ 1e400", "1:14: parse error: error parsing number: strconv.ParseFloat: parsing \"1e400\": value out of range"],
  ["foo @ Inf", "1:1: parse error: timestamp out of bounds for @ modifier: +Inf"],
  ["foo @ NaN", "1:1: parse error: timestamp out of bounds for @ modifier: NaN"],
  ["foo @ -Inf", "1:1: parse error: timestamp out of bounds for @ modifier: -Inf"],
  ["1e400", "1:1: parse error: error parsing number: strconv.ParseFloat: parsing \"1e400\": value out of range"],
  ["0x", "1:1: parse error: error parsing number: strconv.ParseFloat: parsing \"0x\": invalid syntax"],
  ["0xg", "1:1: parse error: bad number or duration syntax: \"0x\""],
  ["foo ]", "1:5: parse error: unexpected right bracket ']'"],
  ["foo [5m]]", "1:9: parse error: unexpected right bracket ']'"],
  ["foo{a=\"b\"}}", "1:11: parse error: unexpected character: '}'"],
  ["foo{{a=\"b\"}", "1:5: parse error: unexpected left brace '{'"],
  ["foo $ bar", "1:5: parse error: unexpected character: '$'"],
  ["stddev_over_time(foo)", "1:18: parse error: expected type range vector in call to function \"stddev_over_time\", got instant vector"],
  ["absent(nonexistent{job=\"testjob\",job=\"testjob2\",foo=\"bar\"}, 1)", "1:1: parse error: expected 1 argument(s) in call to \"absent\", got 2"],
  ["count_values(\"a\", foo, 1)", "1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, got 3"],
  ["sum(foo) by", "1:12: parse error: unexpected end of input in grouping opts, expected \"(\""],
  ["foo offset 5m1h", "1:12: parse error: not a valid duration string: \"5m1h\""],
  ["foo offset 1.5h", "1:12: parse error: not a valid duration string: \"1.5h\""],
  ["abs(-1)", "1:5: parse error: expected type instant vector in call to function \"abs\", got scalar"],
  ["on{a=\"b\"}", "1:1: parse error: unexpected <on>"],
  ["sum(foo bar)", "1:9: parse error: unexpected identifier \"bar\" in aggregation"],
  ["rate(foo bar)", "1:10: parse error: unexpected identifier \"bar\""],
  ["sum(rate(foo bar))", "1:14: parse error: unexpected identifier \"bar\" in aggregation"],
  ["rate(sum(foo) bar)", "1:15: parse error: unexpected identifier \"bar\""],
  ["sum(foo + )", "1:11: parse error: unexpected \")\" in aggregation"],
  ["sum((foo bar))", "1:10: parse error: unexpected identifier \"bar\" in aggregation"],
  ["sum(foo) + (bar baz)", "1:17: parse error: unexpected identifier \"baz\""],
  ["topk(1, foo bar)", "1:13: parse error: unexpected identifier \"bar\" in aggregation"],
  ["sum by (a) (foo bar)", "1:17: parse error: unexpected identifier \"bar\" in aggregation"],
  ["sum(foo[5m] bar)", "1:13: parse error: unexpected identifier \"bar\" in aggregation"],
  ["sum(foo{a=\"b\" c})", "1:15: parse error: unexpected identifier \"c\" in label matching, expected \",\" or \"}\""],
  ["sum(foo @ bar)", "1:11: parse error: unexpected identifier \"bar\" in @, expected timestamp"],
  ["sum(-)", "1:6: parse error: unexpected \")\" in aggregation"],
  ["count_values(, foo)", "1:14: parse error: unexpected \",\" in aggregation"],
  // Prometheus 3 grammar.
  ['sum(foo[5m+])', '1:12: parse error: unexpected "]" in subquery or range selector, expected number, duration, step(), or range()'],
  ['foo[5m:1m+]', '1:11: parse error: unexpected "]" in subquery selector, expected number, duration, step(), range(), or "]"'],
  ['foo offset (1m+)', '1:16: parse error: unexpected ")" in offset, expected number, duration, step(), or range()'],
  ['foo[', '1:5: parse error: unexpected end of input in duration expression'],
  ['foo[]', '1:5: parse error: unexpected "]" in subquery or range selector, expected number, duration, step(), or range()'],
  ['foo[-5m]', '1:5: parse error: duration must be greater than 0'],
  ['foo[5m:0s]', '1:8: parse error: duration must be greater than 0'],
  ['foo offset bar', '1:12: parse error: unexpected identifier "bar" in offset, expected number, duration, step(), or range()'],
  ['foo[5m 1m]', '1:8: parse error: unexpected duration "1m" in subquery or range, expected ":" or "]"'],
  ['foo[5m:1m 1m]', '1:11: parse error: unexpected duration "1m" in subquery selector, expected "]"'],
  ['foo[5m:,]', '1:8: parse error: unexpected "," in subquery selector, expected number, duration, step(), range(), or "]"'],
  ['foo[:5m]', '1:6: parse error: unexpected colon before duration in duration expression'],
  ['foo[5m::1m]', '1:9: parse error: unexpected repeated colon in duration expression'],
  ['foo[5x]', '1:5: parse error: bad number or duration syntax: "5"'],
  ['foo[1m/0]', '1:7: parse error: division by zero'],
  ['foo[1m%0]', '1:7: parse error: modulo by zero'],
  ['foo[bar]', "1:5: parse error: unexpected character in duration expression: 'b'"],
  ['foo{"a"=b}', '1:9: parse error: unexpected identifier "b" in label matching, expected string'],
  ['foo{a=~"(.*"}', '1:5: parse error: error parsing regexp: missing closing ): `^(?s:(.*)$`'],
  ['sum by ("") (foo)', '1:9: parse error: invalid label name for grouping: ""'],
  ['1.2.3', '1:1: parse error: bad number or duration syntax: "1.2."'],
  ['1e', '1:1: parse error: bad number or duration syntax: "1e"'],
  ['foo[1y1y]', '1:5: parse error: bad number or duration syntax: "1y1"'],
  ['foo and fill(0) bar', '1:1: parse error: filling in missing series not allowed for set operators'],
  ['1 + fill(0) foo', '1:1: parse error: filling in missing series only allowed between instant vectors'],
  ['a + fill(0) fill_left(1) b', '1:13: parse error: unexpected <fill_left>'],
  ['(foo)[5m:] anchored', '1:1: parse error: anchored modifier is not supported for subqueries'],
  ['foo[5m] anchored smoothed', '1:1: parse error: anchored and smoothed modifiers cannot be used together'],
  ['info(foo, bar)', '1:11: parse error: expected label selectors only, got vector selector instead'],
  ['info(foo, 1)', '1:1: parse error: expected type instant vector in call to function "info", got scalar'],
  ['histogram_quantiles(foo, "q", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)', '1:1: parse error: expected at most 12 argument(s) in call to "histogram_quantiles", got 13'],
  ['rate(foo[5m],)', '1:13: parse error: trailing commas not allowed in function call args'],
];

test('canonical single-line form of valid queries', () => {
  for (const [q, want] of CANONICAL) {
    assert.equal(exprToString(parseExpr(q, ALL_FEATURES)), want, q);
  }
});

test('the canonical form parses back to an equal tree', () => {
  for (const [q] of CANONICAL) {
    const s = exprToString(parseExpr(q, ALL_FEATURES));
    assert.equal(exprToString(parseExpr(s, ALL_FEATURES)), s, q);
  }
});

test('parse errors carry Prometheus\'s message and position', () => {
  for (const [q, want] of ERRORS) {
    assert.throws(() => parseExpr(q, ALL_FEATURES), (e: unknown) => {
      assert.ok(e instanceof PromQLParseError, q);
      assert.equal(e.message, want, q);
      assert.equal(e.code, 'promql_parse');
      return true;
    });
  }
});

function strip(e: Expr): unknown {
  return JSON.parse(JSON.stringify(e, (k, v: unknown) => (k === 'pos' ? undefined : k === 'matchers' ? (v as object[]).map(String) : v)));
}

test('operator precedence and associativity', () => {
  const shape = (q: string): string => {
    const walk = (e: Expr): string => {
      switch (e.type) {
        case 'BinaryExpr':
          return `(${walk(e.lhs)} ${e.op} ${walk(e.rhs)})`;
        case 'UnaryExpr':
          return `(${e.op}${walk(e.expr)})`;
        case 'ParenExpr':
          return walk(e.expr);
        default:
          return exprToString(e);
      }
    };
    return walk(parseExpr(q, ALL_FEATURES));
  };
  assert.equal(shape('1 + 2 * 3'), '(1 + (2 * 3))');
  assert.equal(shape('1 * 2 + 3'), '((1 * 2) + 3)');
  assert.equal(shape('1 - 2 - 3'), '((1 - 2) - 3)');
  assert.equal(shape('2 ^ 3 ^ 2'), '(2 ^ (3 ^ 2))');
  assert.equal(shape('-2 ^ 2'), '(-(2 ^ 2))');
  assert.equal(shape('-2 * 3'), '(-2 * 3)');
  assert.equal(shape('a + -b * c'), '(a + ((-b) * c))');
  assert.equal(shape('a or b and c unless d'), '(a or ((b and c) unless d))');
  assert.equal(shape('a == b + c'), '(a == (b + c))');
  assert.equal(shape('a > b and c < d'), '((a > b) and (c < d))');
  assert.equal(shape('a atan2 b ^ c'), '(a atan2 (b ^ c))');
  assert.equal(shape('a + b offset 5m'), '(a + b offset 5m)');
  assert.equal(shape('foo offset 2 ^ 2'), '(foo offset 2s ^ 2)');
  assert.equal(shape('foo offset -2 * 2'), '(foo offset -2s * 2)');
});

test('unary minus folds into number literals', () => {
  const e = parseExpr('-1') as NumberLiteral;
  assert.equal(e.type, 'NumberLiteral');
  assert.equal(e.val, -1);
  assert.deepEqual(e.pos, { start: 0, end: 2 });
  assert.equal(parseExpr('-(1)').type, 'UnaryExpr');
  assert.deepEqual([parseExpr('- - 1').type, (parseExpr('- - 1') as NumberLiteral).val], ['NumberLiteral', 1]);
  assert.equal(parseExpr('-foo').type, 'UnaryExpr');
});

test('number literals follow Go parsing', () => {
  const num = (q: string): number => (parseExpr(q) as NumberLiteral).val;
  assert.equal(num('0x1F'), 31);
  assert.equal(num('010'), 8);
  assert.equal(num('08'), 8);
  assert.equal(num('1_000'), 1000);
  assert.equal(num('1e3'), 1000);
  assert.equal(num('.5'), 0.5);
  assert.equal(num('Inf'), Infinity);
  assert.equal(num('-inf'), -Infinity);
  assert.ok(Number.isNaN(num('NaN')));
  assert.equal(num('1h30m'), 5400);
  assert.equal((parseExpr('5m') as NumberLiteral).duration, true);
});

test('string literals follow Go escaping', () => {
  const str = (q: string): string => {
    const e = parseExpr(q);
    assert.equal(e.type, 'StringLiteral');
    return e.val;
  };
  assert.equal(str('"a\\tb\\n"'), 'a\tb\n');
  assert.equal(str("'it\\'s'"), "it's");
  assert.equal(str('`raw\\n`'), 'raw\\n');
  assert.equal(str('"\\u00e4\\x41\\101"'), '\u00e4AA');
  assert.equal(str('"\\xc3\\xa4"'), '\u00e4');
  assert.equal(str('"日本"'), '日本');
});

test('selectors, ranges, offsets and @ in milliseconds', () => {
  const vs = parseExpr('foo{a="b", c=~"d|e"} offset -5m @ 1.5') as VectorSelector;
  assert.equal(vs.name, 'foo');
  assert.deepEqual(vs.matchers.map(String), ['a="b"', 'c=~"d|e"', '__name__="foo"']);
  assert.equal(vs.offset, -300000);
  assert.equal(vs.timestamp, 1500);
  assert.equal((parseExpr('foo @ -0.0005') as VectorSelector).timestamp, -1); // Go rounds halves away from zero
  const ms = parseExpr('foo[1h30m] @ start()') as MatrixSelector;
  assert.equal(ms.range, 5400000);
  assert.equal(ms.vectorSelector.startOrEnd, 'start');
  const sq = parseExpr('rate(foo[5m])[30m:] offset 1m') as SubqueryExpr;
  assert.equal(sq.range, 1800000);
  assert.equal(sq.step, 0);
  assert.equal(sq.offset, 60000);
  const de = parseExpr('foo[5m+step()]', ALL_FEATURES) as MatrixSelector;
  assert.equal(de.range, 0);
  assert.equal(de.rangeExpr?.op, '+');
  const ce = parseExpr('foo[2m*(10+5)] offset (1m+1m)', ALL_FEATURES) as MatrixSelector;
  assert.equal(ce.range, 1800000);
  assert.equal(ce.vectorSelector.offset, 120000);
});

test('vector matching is finalised by the type checker', () => {
  const m = (q: string): BinaryExpr => parseExpr(q, ALL_FEATURES) as BinaryExpr;
  assert.equal(m('a and b').matching?.card, 'many-to-many');
  assert.equal(m('a + b').matching?.card, 'one-to-one');
  assert.deepEqual(m('a * on(x) group_left(y) b').matching, {
    card: 'many-to-one', matchingLabels: ['x'], on: true, include: ['y'], fillValues: {},
  });
  assert.equal(m('a * ignoring(x) group_right b').matching?.card, 'one-to-many');
  assert.equal(m('a + 1').matching, undefined);
  assert.deepEqual(m('a + fill_right(2) b').matching?.fillValues, { rhs: 2 });
  assert.deepEqual(m('a + fill(-Inf) b').matching?.fillValues, { lhs: -Infinity, rhs: -Infinity });
  assert.equal(m('a > bool b').returnBool, true);
});

test('aggregations accept the modifier before or after the arguments', () => {
  assert.deepEqual(strip(parseExpr('sum by (a) (foo)')), strip(parseExpr('sum(foo) by (a)')));
  const e = parseExpr('topk without (b) (3, foo)');
  assert.equal(e.type, 'AggregateExpr');
  assert.equal(e.without, true);
  assert.equal(e.param?.type, 'NumberLiteral');
});

test('info() second argument may select without a metric name', () => {
  const e = parseExpr('info(foo, {k=~".*"})', ALL_FEATURES);
  assert.equal(e.type, 'Call');
  const second = e.args[1] as VectorSelector;
  assert.equal(second.bypassEmptyMatcherCheck, true);
});

test('experimental features are off by default, as in Prometheus', () => {
  const err = (q: string, opts = {}): string => {
    try {
      parseExpr(q, opts);
    } catch (e) {
      return (e as Error).message;
    }
    return 'parsed';
  };
  assert.equal(err('limitk(1, foo)'), '1:1: parse error: limitk() is experimental and must be enabled with --enable-feature=promql-experimental-functions');
  assert.equal(err('sort_by_label(foo, "a")'), '1:1: parse error: function "sort_by_label" is not enabled');
  assert.equal(err('foo[5m] anchored'), '1:1: parse error: anchored modifier is experimental and not enabled');
  assert.equal(err('rate(foo[5m] smoothed)'), '1:6: parse error: smoothed modifier is experimental and not enabled');
  assert.equal(err('a + fill(0) b'), '1:1: parse error: binop fill modifiers are experimental and not enabled');
  assert.equal(err('foo[5m+1m]', { durationExpressions: false }), '1:5: parse error: experimental duration expression is not enabled');
  assert.equal(err('foo[5m+1m]'), 'parsed');
  assert.equal(err('sort_by_label(foo, "a")', { experimentalFunctions: true }), 'parsed');
});

test('positions are UTF-16 offsets; error columns count UTF-8 bytes', () => {
  const e = parseExpr('sum(foo{a="日本"}) + bar') as BinaryExpr;
  assert.deepEqual(e.lhs.pos, { start: 0, end: 16 });
  assert.deepEqual(e.rhs.pos, { start: 19, end: 22 });
  assert.throws(() => parseExpr('foo{a="日本"} bar'), { message: '1:17: parse error: unexpected identifier "bar"' });
  assert.throws(() => parseExpr('foo +\n  bar baz'), { message: '2:7: parse error: unexpected identifier "baz"' });
});

test('parseMetricSelector returns the matchers of a series selector', () => {
  assert.deepEqual(parseMetricSelector('up{job="x"}').map(String), ['job="x"', '__name__="up"']);
  assert.throws(() => parseMetricSelector('rate(up[5m])'), PromQLParseError);
  assert.throws(() => parseMetricSelector('{a=""}'), { message: '1:1: parse error: vector selector must contain at least one non-empty matcher' });
});

test('long and deep inputs: linear work, bounded recursion, typed errors beyond the limits', () => {
  const chain = (n: number): string => Array.from({ length: n }, (_, i) => `m${i}`).join(' + ');
  assert.equal(exprToString(parseExpr(chain(MAX_TREE_DEPTH - 1))), chain(MAX_TREE_DEPTH - 1));
  assert.throws(() => parseExpr(chain(MAX_TREE_DEPTH + 1)), { message: `1:1: parse error: expression is nested too deeply (more than ${MAX_TREE_DEPTH} levels)` });
  const nested = (n: number): string => 'abs('.repeat(n) + 'x' + ')'.repeat(n);
  assert.equal(parseExpr(nested(MAX_NESTING - 1)).type, 'Call');
  assert.throws(() => parseExpr(nested(MAX_NESTING + 10)), PromQLParseError);
  assert.throws(() => parseExpr('('.repeat(100000)), PromQLParseError);
  const wide = `m{${Array.from({ length: 20000 }, (_, i) => `l${i}="${i}"`).join(', ')}}`;
  assert.equal((parseExpr(wide) as VectorSelector).matchers.length, 20001);
  const long = `"${'x'.repeat(1_000_000)}"`;
  assert.equal(parseExpr(long).type, 'StringLiteral');
});
