import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError } from '../../shared/errors/index.js';
import { FILTER_LIMITS, parseFieldKey, parseFilter, type FilterExpression } from '../../shared/query/index.js';

/** A compact rendering of the AST so expectations read like the filter they describe. */
function show(expression: FilterExpression | null): string {
  if (expression === null) return '∅';
  switch (expression.type) {
    case 'and':
    case 'or':
      return `(${expression.operands.map(show).join(` ${expression.type.toUpperCase()} `)})`;
    case 'compare':
      return `${expression.field.kind}:${expression.field.key} ${expression.op} ${literal(expression.value)}`;
    case 'in':
      return `${expression.field.kind}:${expression.field.key} ${expression.negated ? 'NOT IN' : 'IN'} [${expression.values.map(literal).join(', ')}]`;
    case 'null':
      return `${expression.field.kind}:${expression.field.key} IS ${expression.negated ? 'NOT NULL' : 'NULL'}`;
  }
}

function literal(value: { kind: string; text: string; number: number }): string {
  return value.kind === 'number' ? value.text : value.kind === 'boolean' ? value.text : JSON.stringify(value.text);
}

/** Asserts `text` fails with INVALID_FILTER at `column` and a message matching `pattern`. */
function assertFilterError(text: string, column: number, pattern: RegExp): void {
  assert.throws(
    () => parseFilter(text),
    (error: unknown) => {
      assert.ok(error instanceof InvalidInputError, `expected InvalidInputError, got ${String(error)}`);
      assert.equal(error.code, 'INVALID_FILTER');
      assert.equal(error.location?.column, column, `column for ${JSON.stringify(text)}: ${error.message}`);
      assert.equal(error.location?.path, 'filter');
      assert.ok(error.message.startsWith(`column ${column}: `), error.message);
      assert.match(error.message, pattern);
      return true;
    },
  );
}

describe('parseFilter', () => {
  describe('comparisons', () => {
    const cases: Array<[string, string]> = [
      ['metrics.auc_roc > 0.9', 'metric:auc_roc > 0.9'],
      ['metrics.auc_roc>=0.9', 'metric:auc_roc >= 0.9'],
      ['metrics.loss < 1e-3', 'metric:loss < 1e-3'],
      ['metrics.loss <= -2.5E+2', 'metric:loss <= -2.5E+2'],
      ['metrics.delta = -.5', 'metric:delta = -.5'],
      ['metrics.delta != +3', 'metric:delta != +3'],
      ["params.model = 'rf'", 'param:model = "rf"'],
      ['params.model = "rf"', 'param:model = "rf"'],
      ["params.name LIKE 'rf%'", 'param:name LIKE "rf%"'],
      ["tags.owner ILIKE '%ANN%'", 'tag:owner ILIKE "%ANN%"'],
      ["params.max_depth IN (3, '5', 7)", 'param:max_depth IN [3, "5", 7]'],
      ["params.criterion NOT IN ('gini')", 'param:criterion NOT IN ["gini"]'],
      ['metrics.auc_roc IS NULL', 'metric:auc_roc IS NULL'],
      ['metrics.auc_roc IS NOT NULL', 'metric:auc_roc IS NOT NULL'],
      ['params.bootstrap = true', 'param:bootstrap = true'],
      ['params.bootstrap = FALSE', 'param:bootstrap = false'],
      ['   ', '∅'],
      ['', '∅'],
    ];
    for (const [text, expected] of cases) {
      it(`parses ${JSON.stringify(text)}`, () => assert.equal(show(parseFilter(text)), expected));
    }
  });

  describe('fields', () => {
    const cases: Array<[string, string]> = [
      ['metric.a = 1', 'metric:a = 1'],
      ['params.a = 1', 'param:a = 1'],
      ['param.a = 1', 'param:a = 1'],
      ['parameter.a = 1', 'param:a = 1'],
      ['parameters.a = 1', 'param:a = 1'],
      ["tag.a = 'x'", 'tag:a = "x"'],
      ["Tags.a = 'x'", 'tag:a = "x"'],
      ['attributes.duration > 5', 'attribute:duration > 5'],
      ['attribute.start_time > 5', 'attribute:start_time > 5'],
      ['attr.end_time > 5', 'attribute:end_time > 5'],
      ['run.index = 5', 'attribute:index = 5'],
      ["status = 'completed'", 'attribute:status = "completed"'],
      ["attributes.run_name = 'x'", 'attribute:name = "x"'],
      ["attributes.model = 'x'", 'attribute:model = "x"'],
      ["attributes.run_id = 'x'", 'attribute:run_id = "x"'],
      ['attributes.created > 0', 'attribute:start_time > 0'],
      ["tags.mlflow.runName = 'x'", 'attribute:name = "x"'],
      ["tags.mlflow.source.type = 'x'", 'tag:mlflow.source.type = "x"'],
      ['metrics.`my metric` > 1', 'metric:my metric > 1'],
      ['`metrics`.`a``b` > 1', 'metric:a`b > 1'],
      ['params."a b" = 1', 'param:a b = 1'],
      ["params.'a-b' = 1", 'param:a-b = 1'],
      ['metrics.`f1-score` > 0.5', 'metric:f1-score > 0.5'],
      ['metrics.2nd > 0.5', 'metric:2nd > 0.5'],
    ];
    for (const [text, expected] of cases) {
      it(`resolves ${JSON.stringify(text)}`, () => assert.equal(show(parseFilter(text)), expected));
    }

    it('parses a lone column key with parseFieldKey', () => {
      assert.deepEqual(parseFieldKey('metrics.auc_roc'), { kind: 'metric', key: 'auc_roc' });
      assert.deepEqual(parseFieldKey('params.max_depth'), { kind: 'param', key: 'max_depth' });
      assert.deepEqual(parseFieldKey('attributes.duration'), { kind: 'attribute', key: 'duration' });
      assert.throws(() => parseFieldKey('metrics.a > 1'), /column 11: unexpected '>'/);
    });
  });

  describe('boolean operators', () => {
    const cases: Array<[string, string]> = [
      ['metrics.a > 1 AND metrics.b > 2', '(metric:a > 1 AND metric:b > 2)'],
      ['metrics.a > 1 and metrics.b > 2 And metrics.c > 3', '(metric:a > 1 AND metric:b > 2 AND metric:c > 3)'],
      ['metrics.a > 1 OR metrics.b > 2', '(metric:a > 1 OR metric:b > 2)'],
      ['metrics.a > 1 or metrics.b > 2 AND metrics.c > 3', '(metric:a > 1 OR (metric:b > 2 AND metric:c > 3))'],
      ['metrics.a > 1 AND metrics.b > 2 Or metrics.c > 3', '((metric:a > 1 AND metric:b > 2) OR metric:c > 3)'],
      ['(metrics.a > 1 OR metrics.b > 2) AND metrics.c > 3', '((metric:a > 1 OR metric:b > 2) AND metric:c > 3)'],
      ['((metrics.a > 1))', 'metric:a > 1'],
      ['metrics.a > 1 AND (metrics.b > 2 OR (metrics.c > 3 AND metrics.d > 4))', '(metric:a > 1 AND (metric:b > 2 OR (metric:c > 3 AND metric:d > 4)))'],
      ["params.x like 'a%' aNd params.y not in ('b') oR params.z is not null", '((param:x LIKE "a%" AND param:y NOT IN ["b"]) OR param:z IS NOT NULL)'],
    ];
    for (const [text, expected] of cases) {
      it(`groups ${JSON.stringify(text)}`, () => assert.equal(show(parseFilter(text)), expected));
    }
  });

  describe('string literals', () => {
    const cases: Array<[string, string]> = [
      ["params.a = 'it''s'", "it's"],
      ["params.a = 'it\\'s'", "it's"],
      ['params.a = "say ""hi"""', 'say "hi"'],
      ['params.a = "say \\"hi\\""', 'say "hi"'],
      ["params.a = 'back\\\\slash'", 'back\\slash'],
      ["params.a = '50\\%'", '50\\%'],
      ["params.a = 'a\"b'", 'a"b'],
      ['params.a = "a\'b"', "a'b"],
      ["params.a = ''", ''],
      ["params.a = 'AND OR ( ) ,'", 'AND OR ( ) ,'],
    ];
    for (const [text, expected] of cases) {
      it(`unescapes ${text}`, () => {
        const expression = parseFilter(text);
        assert.equal(expression?.type, 'compare');
        if (expression?.type === 'compare') assert.equal(expression.value.text, expected);
      });
    }

    it('reads a quoted number as a number for numeric comparison, keeping its text', () => {
      const expression = parseFilter("params.max_depth = '5'");
      assert.ok(expression?.type === 'compare');
      assert.equal(expression.value.kind, 'string');
      assert.equal(expression.value.number, 5);
      assert.equal(expression.value.text, '5');
    });

    it('accepts quoted numbers for metrics', () => {
      assert.equal(show(parseFilter("metrics.auc_roc > '0.5'")), 'metric:auc_roc > "0.5"');
    });
  });

  describe('errors', () => {
    const cases: Array<[string, number, RegExp]> = [
      ['metrics.auc_roc >> 0.9', 17, /unexpected '>>'/],
      ['metrics.auc_roc == 0.9', 17, /use '=' to test equality/],
      ['metrics.auc_roc <> 0.9', 17, /use '!='/],
      ['metrics.auc_roc > ', 19, /expected a value .* found the end of the filter/],
      ['metrics.auc_roc 0.9', 17, /expected a comparison operator .* after metrics\.auc_roc, found '0\.9'/],
      ['metrics.auc_roc > 0.9 AND', 26, /expected a comparison such as .* found the end of the filter/],
      ['metrics.auc_roc > 0.9 metrics.loss < 1', 23, /expected AND, OR or the end of the filter, found 'metrics\.loss'/],
      ['(metrics.auc_roc > 0.9', 23, /expected '\)' to close the '\(' at column 1/],
      ['metrics.auc_roc > 0.9)', 22, /unmatched '\)'/],
      ['()', 2, /empty parentheses/],
      ['metrics.auc_roc > 0.9 AND OR metrics.a > 1', 27, /expected a comparison .* found 'OR'/],
      ['metricz.auc > 1', 1, /unknown field type 'metricz'/],
      ['auc_roc > 0.9', 1, /unknown field 'auc_roc'; name a column as metrics\.auc_roc/],
      ['attributes.colour = 1', 12, /unknown attribute 'colour'; attributes are status/],
      ['metrics. > 1', 9, /expected a key after '\.'/],
      ['metrics.f1-score > 0.5', 11, /unexpected '-'; quote keys that contain other characters with backquotes/],
      ['metrics.précision > 0.5', 11, /unexpected 'é'; quote keys .* backquotes/],
      ['metrics.a > 1 ; DROP', 15, /unexpected ';'$/],
      ["params.a = 'abc", 12, /unterminated string/],
      ['metrics.`abc > 1', 9, /unterminated quoted key/],
      ['metrics.auc_roc = 0.9x', 19, /'0\.9x' is not a number/],
      ['metrics.auc_roc = 1.2.3', 19, /'1\.2\.3' is not a number/],
      ["metrics.auc_roc = 'high'", 19, /metrics\.auc_roc holds numbers, but 'high' is not a number/],
      ['metrics.auc_roc = true', 19, /holds numbers, but 'true' is not a number/],
      ["metrics.auc_roc LIKE '0.9%'", 17, /LIKE matches text, but metrics\.auc_roc holds numbers/],
      ["attributes.duration IN (1, 'x')", 28, /holds numbers, but 'x' is not a number/],
      ['params.model = rf', 16, /'rf' is not a value; quote text values: 'rf'/],
      ['params.model = null', 16, /null is not a value.*IS NULL/],
      ['params.model LIKE 5', 19, /LIKE needs a quoted pattern/],
      ['params.model IN ()', 18, /at least one value/],
      ["params.model IN 'rf'", 17, /expected '\(' to start the IN list/],
      ["params.model IN ('a' 'b')", 22, /expected ',' or '\)' in the IN list/],
      ["params.model NOT 'rf'", 18, /expected IN after NOT/],
      ['params.model IS 5', 17, /expected NULL after IS/],
      ['params.model IS NOT 5', 21, /expected NULL after IS NOT/],
      ["NOT params.model = 'rf'", 1, /NOT is only supported as NOT IN/],
      ["attributes.status = 'complete'", 21, /unknown status 'complete'; statuses are queued, active/],
      ["attributes.status IN ('completed', 'done')", 36, /unknown status 'done'/],
      ["attributes.status > 'active'", 19, /statuses have no order/],
      ['metrics.a > 1 #', 15, /unexpected '#'/],
    ];
    for (const [text, column, pattern] of cases) {
      it(`rejects ${JSON.stringify(text)} at column ${column}`, () => assertFilterError(text, column, pattern));
    }
  });

  describe('limits', () => {
    it('refuses text longer than maxLength', () => {
      const text = `metrics.a > 1${' '.repeat(FILTER_LIMITS.maxLength)}`;
      assertFilterError(text, FILTER_LIMITS.maxLength + 1, /at most 4096/);
    });

    it('accepts nesting up to maxDepth and refuses one more level', () => {
      const nested = (depth: number): string => `${'('.repeat(depth)}metrics.a > 1${')'.repeat(depth)}`;
      assert.equal(show(parseFilter(nested(FILTER_LIMITS.maxDepth))), 'metric:a > 1');
      assertFilterError(nested(FILTER_LIMITS.maxDepth + 1), FILTER_LIMITS.maxDepth + 1, /nest deeper than 32/);
    });

    it('refuses more than maxTerms comparisons, pointing at the first one too many', () => {
      const terms = Array.from({ length: FILTER_LIMITS.maxTerms + 1 }, () => 'index=1');
      const text = terms.join(' OR ');
      const column = FILTER_LIMITS.maxTerms * 'index=1 OR '.length + 1;
      assertFilterError(text, column, /more than 256 comparisons/);
      assert.equal(parseFilter(terms.slice(1).join(' OR '))?.type, 'or');
    });

    it('refuses IN lists longer than maxListValues', () => {
      const values = Array.from({ length: FILTER_LIMITS.maxListValues + 1 }, (_, i) => String(i));
      const text = `index IN (${values.join(',')})`;
      const column = text.lastIndexOf(',') + 2;
      assertFilterError(text, column, /at most 1000 values/);
    });
  });
});
