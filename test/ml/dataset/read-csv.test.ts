import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { InvalidInputError } from '../../../shared/errors/index.js';
import type { Dataset } from '../../../shared/ml/dataset/dataset.js';
import { parseCsv, readCsvFile } from '../../../shared/ml/dataset/read-csv.js';
import { datasetToCsv } from '../../../shared/ml/dataset/write-csv.js';
import { Rng } from '../../../shared/ml/random/rng.js';

const parse = (text: string, target = 'y'): Dataset => parseCsv(text, { target, source: 'data.csv' });

/** Asserts an INVALID_CSV error whose message contains every fragment, at the given line/column. */
function assertCsvError(text: string, fragments: string[], where: { line?: number; column?: number } = {}, target = 'y'): void {
  assert.throws(
    () => parse(text, target),
    (error: unknown) => {
      assert.ok(error instanceof InvalidInputError, `expected InvalidInputError, got ${String(error)}`);
      assert.equal(error.code, 'INVALID_CSV');
      for (const fragment of fragments) assert.ok(error.message.includes(fragment), `message "${error.message}" lacks "${fragment}"`);
      assert.equal(error.location?.file, 'data.csv');
      if (where.line !== undefined) assert.equal(error.location?.line, where.line);
      if (where.column !== undefined) assert.equal(error.location?.column, where.column);
      return true;
    },
  );
}

describe('parseCsv', () => {
  it('reads features in file order and the target from any position', () => {
    const d = parse('a,y,b\n1,0,2\n3,1,4\n');
    assert.deepEqual(d.featureNames, ['a', 'b']);
    assert.equal(d.nRows, 2);
    assert.deepEqual(Array.from(d.columns[0]!), [1, 3]);
    assert.deepEqual(Array.from(d.columns[1]!), [2, 4]);
    assert.deepEqual(Array.from(d.y), [0, 1]);
    assert.deepEqual(d.classes, ['0', '1']);
  });

  it('strips a BOM, accepts CRLF, skips blank lines and a missing final newline', () => {
    const d = parse('\ufeffa,y\r\n1,0\r\n\r\n2,1');
    assert.deepEqual(d.featureNames, ['a']);
    assert.deepEqual(Array.from(d.columns[0]!), [1, 2]);
  });

  it('reads empty cells and NaN/nan as missing', () => {
    const d = parse('a,b,y\n,NaN,0\nnan,1,1\n 2 , ,0\n');
    const a = Array.from(d.columns[0]!);
    assert.ok(Number.isNaN(a[0]!) && Number.isNaN(a[1]!));
    assert.equal(a[2], 2);
    const b = Array.from(d.columns[1]!);
    assert.ok(Number.isNaN(b[0]!) && Number.isNaN(b[2]!));
  });

  const numbers: Array<[string, number]> = [
    ['-1.5e-3', -0.0015],
    ['+2', 2],
    ['.5', 0.5],
    ['5.', 5],
    ['1E10', 1e10],
    ['0.1', 0.1],
    ['-0.59659927323549256', -0.59659927323549256],
  ];
  for (const [text, value] of numbers) {
    it(`parses ${text} as ${value}`, () => {
      assert.equal(parse(`a,y\n${text},0\n1,1\n`).columns[0]![0], value);
    });
  }

  for (const bad of ['1.2.3', 'abc', '0x10', 'inf', 'Infinity', '-inf', '1e', '1e+', '--1', '1,5x', '1e999']) {
    it(`rejects the feature value ${bad}`, () => {
      const cell = bad.includes(',') ? `"${bad}"` : bad;
      assertCsvError(`a,y\n1,0\n${cell},1\n`, ['line 3', 'column 1', '"a"', 'is not a number'], { line: 3, column: 1 });
    });
  }

  it('converts every decimal form exactly as Number() does', () => {
    const rng = new Rng(5);
    const cells: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const x = rng.normal() * 10 ** (rng.nextInt(40) - 20);
      const form = i % 5;
      cells.push(
        form === 0
          ? x.toFixed(rng.nextInt(20))
          : form === 1
            ? x.toPrecision(1 + rng.nextInt(21))
            : form === 2
              ? x.toExponential(rng.nextInt(18))
              : form === 3
                ? String(x)
                : `00${Math.abs(x).toFixed(3)}e-${rng.nextInt(30)}`,
      );
    }
    let text = 'a,y\n';
    for (let i = 0; i < cells.length; i++) text += `${cells[i]},${i % 2}\n`;
    const column = parse(text).columns[0]!;
    for (let i = 0; i < cells.length; i++) assert.ok(Object.is(column[i], Number(cells[i])), `${cells[i]} → ${column[i]}`);
  });

  it('supports quoted fields with escaped quotes, commas and newlines', () => {
    const d = parse('"feat, one","y"\n"1.5","say ""hi"""\n2,"multi\nline"\n');
    assert.deepEqual(d.featureNames, ['feat, one']);
    assert.deepEqual(Array.from(d.columns[0]!), [1.5, 2]);
    assert.deepEqual(d.classes, ['multi\nline', 'say "hi"']);
  });

  it('sorts numeric labels numerically and keeps their canonical form', () => {
    const d = parse('a,y\n1,10\n2,2\n3,1.0\n4,1\n5,-3\n');
    assert.deepEqual(d.classes, ['-3', '1', '2', '10']);
    assert.deepEqual(Array.from(d.y), [3, 2, 1, 1, 0]);
  });

  it('sorts string labels lexicographically (trimmed)', () => {
    const d = parse('a,y\n1, yes\n2,no\n3,maybe\n4,yes \n');
    assert.deepEqual(d.classes, ['maybe', 'no', 'yes']);
    assert.deepEqual(Array.from(d.y), [2, 1, 0, 2]);
  });

  describe('errors', () => {
    it('reports a row with too few fields', () => {
      assertCsvError('a,b,y\n1,2,0\n1,1\n', ['line 3 has 2 fields', 'header has 3'], { line: 3 });
    });
    it('reports a row with too many fields', () => {
      assertCsvError('a,y\n1,0\n1,1,5\n', ['line 3', 'more fields than the header (2)'], { line: 3 });
    });
    it('names the column and truncates the offending value', () => {
      const long = 'x'.repeat(60);
      assertCsvError(`a,b,y\n1,${long},0\n`, ['column 2 ("b"', `"${'x'.repeat(40)}…"`], { line: 2, column: 2 });
    });
    it('lists the available columns for an unknown target', () => {
      assertCsvError('a,b,label\n1,2,0\n', ['"y" not found', 'available columns: a, b, label']);
    });
    it('rejects an empty file', () => {
      assertCsvError('', ['empty']);
      assertCsvError('\ufeff\n\n', ['empty']);
    });
    it('rejects a header without data rows', () => {
      assertCsvError('a,y\n', ['no data rows']);
    });
    it('rejects a single class', () => {
      assertCsvError('a,y\n1,1\n2,1\n', ['single class', 'at least 2 classes']);
    });
    it('rejects duplicate column names', () => {
      assertCsvError('a,b,a,y\n1,2,3,0\n', ['duplicate column name "a"', 'columns 1 and 3'], { line: 1, column: 3 });
    });
    it('rejects a missing target value', () => {
      assertCsvError('a,y\n1,0\n2,\n', ['missing target value'], { line: 3, column: 2 });
    });
    it('rejects gigantic cells', () => {
      assertCsvError(`a,y\n${'1'.repeat(100_001)},0\n`, ['longer than 100000 bytes'], { line: 2, column: 1 });
    });
    it('rejects an unterminated quote', () => {
      assertCsvError('a,y\n"1,0\n2,1\n', ['unterminated quoted field'], { line: 2 });
    });
    it('counts lines inside quoted fields', () => {
      assertCsvError('a,y\n1,"x\ny"\nzz,1\n', ['line 4'], { line: 4, column: 1 });
    });
  });
});

describe('datasetToCsv', () => {
  it('round-trips values exactly, with NaN as empty cells', () => {
    const rng = new Rng(3);
    const n = 200;
    const a = new Float64Array(n);
    const b = new Float64Array(n);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      a[i] = rng.normal() * 10 ** rng.nextInt(20);
      b[i] = i % 7 === 0 ? Number.NaN : rng.next() - 0.5;
      y[i] = i % 3;
    }
    b[1] = -0;
    b[2] = 5e-324;
    const d: Dataset = { nRows: n, columns: [a, b], featureNames: ['x,1', 'b'], y, classes: ['neg', 'pos "yes"', 'zero'] };
    const back = parseCsv(datasetToCsv(d, 'label'), { target: 'label' });
    assert.deepEqual(back.featureNames, d.featureNames);
    assert.deepEqual(back.classes, d.classes);
    assert.deepEqual(Array.from(back.y), Array.from(y));
    for (let i = 0; i < n; i++) {
      assert.ok(Object.is(back.columns[0]![i], a[i]), `a[${i}]`);
      assert.ok(Object.is(back.columns[1]![i], b[i]), `b[${i}]`);
    }
  });
});

describe('readCsvFile', () => {
  it('reads the loan_default training fixture', async () => {
    const d = await readCsvFile(path.resolve(process.cwd(), 'test/fixtures/loan_default.train.csv'), { target: 'target' });
    assert.equal(d.nRows, 800);
    assert.equal(d.columns.length, 15);
    assert.deepEqual(d.classes, ['0', '1']);
    let missing = 0;
    for (const column of d.columns) for (const v of column) if (Number.isNaN(v)) missing++;
    assert.ok(missing > 0, 'the fixture has missing cells');
  });

  it('reports an unreadable file as INVALID_CSV', async () => {
    await assert.rejects(readCsvFile('/nonexistent/x.csv', { target: 'y' }), (error: unknown) => {
      assert.ok(error instanceof InvalidInputError);
      assert.equal(error.code, 'INVALID_CSV');
      assert.match(error.message, /ENOENT/);
      return true;
    });
  });

  it('parses a 15 MB CSV (20,000 × 40) in well under a second', () => {
    const rng = new Rng(11);
    const nRows = 20_000;
    const nFeatures = 40;
    let header = '';
    for (let f = 0; f < nFeatures; f++) header += `feature_${f},`;
    const lines: string[] = [header + 'target'];
    for (let i = 0; i < nRows; i++) {
      let line = '';
      for (let f = 0; f < nFeatures; f++) line += `${rng.normal() * 3},`;
      lines.push(line + (i % 2));
    }
    const text = lines.join('\n');
    assert.ok(text.length > 14_000_000, `text is ${text.length} chars`);
    // Best of three, in process CPU time: other processes on a shared machine inflate wall time.
    let best = Number.POSITIVE_INFINITY;
    for (let run = 0; run < 3; run++) {
      const before = process.cpuUsage();
      const d = parseCsv(text, { target: 'target' });
      const used = process.cpuUsage(before);
      best = Math.min(best, (used.user + used.system) / 1000);
      assert.equal(d.nRows, nRows);
    }
    assert.ok(best < 1000, `parse took ${best.toFixed(0)} ms of CPU`);
  });
});
