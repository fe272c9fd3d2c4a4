import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { SweepqError } from '../../../shared/errors/index.js';
import { assembleTable } from '../../../shared/ml/dataset/assemble-table.js';
import { CsvTableParser } from '../../../shared/ml/dataset/csv-table-parser.js';
import { parseTable, readTable } from '../../../shared/ml/dataset/read-table.js';
import type { Column, Table, TabularDataset } from '../../../shared/ml/dataset/table.js';

const dir = mkdtempSync(path.join(tmpdir(), 'sweepq-read-table-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const fixtures = path.resolve(process.cwd(), 'test/fixtures/tabular');

/** A table as plain values (categorical cells as their text, missing as null) for comparisons. */
function plain(table: Table): Record<string, (number | string | null)[]> {
  const out: Record<string, (number | string | null)[]> = {};
  for (const column of table.columns) out[`${column.name}:${column.type}`] = cells(column);
  const target = (table as Partial<TabularDataset>).target;
  if (target) out[`target:${target.task}`] = target.task === 'classification' ? Array.from(target.y, (k) => target.classes[k]!) : Array.from(target.y);
  return out;
}

function cells(column: Column): (number | string | null)[] {
  if (column.type === 'numeric') return Array.from(column.values, (v) => (Number.isNaN(v) ? null : v));
  return Array.from(column.codes, (k) => (k < 0 ? null : column.categories[k]!));
}

const EXPECTED = {
  'age:numeric': [31, null, 7.5],
  'city:categorical': ['Oslo', 'São Paulo', null],
  'note:categorical': ['a, b', 'say "hi"', 'two\nlines'],
  'target:classification': ['no', 'yes', 'no'],
};

const DIALECTS: Array<[string, string]> = [
  ['comma, LF', 'age,city,note,y\n31,Oslo,"a, b",no\n,São Paulo,"say ""hi""",yes\n7.5,,"two\nlines",no\n'],
  ['semicolon', 'age;city;note;y\n31;Oslo;"a, b";no\nNA;São Paulo;"say ""hi""";yes\n7.5;;"two\nlines";no\n'],
  ['tab', 'age\tcity\tnote\ty\n31\tOslo\t"a, b"\tno\n\tSão Paulo\t"say ""hi"""\tyes\n7.5\t\t"two\nlines"\tno\n'],
  ['CRLF', 'age,city,note,y\r\n31,Oslo,"a, b",no\r\n,São Paulo,"say ""hi""",yes\r\n7.5,,"two\nlines",no\r\n'],
  ['BOM and no final newline', '\ufeffage,city,note,y\n31,Oslo,"a, b",no\n,São Paulo,"say ""hi""",yes\n7.5,,"two\nlines",no'],
  ['blank lines and spaces', 'age , city,note,y\n\n 31 , Oslo ,"a, b",no\n\n,São Paulo,"say ""hi""",yes\n7.5,,"two\nlines",no\n\n'],
];

const isInvalid = (code: string, line?: number, column?: number, pattern?: RegExp) => (error: unknown) => {
  assert.ok(error instanceof SweepqError, String(error));
  assert.equal(error.code, code, error.message);
  if (line !== undefined) assert.equal(error.location?.line, line, error.message);
  if (column !== undefined) assert.equal(error.location?.column, column, error.message);
  if (pattern) assert.match(error.message, pattern);
  return true;
};

describe('readTable / parseTable (CSV)', () => {
  for (const [name, text] of DIALECTS) {
    it(`reads the ${name} dialect`, () => {
      assert.deepEqual(plain(parseTable(text, { target: 'y' })), EXPECTED);
    });
    it(`reads the ${name} dialect one byte at a time (records cut anywhere between chunks)`, () => {
      const parser = new CsvTableParser({ target: 'y', source: 'x' });
      const bytes = Buffer.from(text);
      for (let i = 0; i < bytes.length; i++) parser.push(bytes.subarray(i, i + 1));
      assert.deepEqual(plain(assembleTable(parser.finish(), { withTarget: true })), EXPECTED);
    });
  }

  it('parses numbers exactly as Number() does, with LF and CRLF line ends', () => {
    const cells = [
      '-1.5e-3',
      '.5',
      '+2',
      '1.',
      '-0',
      '0.1',
      '123456789012345678',
      '0.30000000000000004',
      '1e22',
      '4.9e-324',
      '  7 ',
      '0.0000000000000000000000001',
      '-12.3456',
    ];
    for (const eol of ['\n', '\r\n']) {
      const text = 'x,y' + eol + cells.map((c, i) => `${c},${i % 2}`).join(eol) + eol;
      const table = parseTable(text, { target: 'y', columns: { numeric: ['x'] } });
      const values = Array.from((table.columns[0] as { values: Float64Array }).values);
      assert.deepEqual(
        values,
        cells.map((c) => Number(c)),
        JSON.stringify(eol),
      );
      const last = parseTable('y,x' + eol + cells.map((c, i) => `${i % 2},${c}`).join(eol), { target: 'y' });
      assert.deepEqual(
        Array.from((last.columns[0] as { values: Float64Array }).values),
        cells.map((c) => Number(c)),
      );
    }
  });

  it('honours a declared delimiter over detection', () => {
    const table = parseTable('a;b,c\n1;2,3\n', { target: null, delimiter: ',' });
    assert.deepEqual(
      table.columns.map((c) => c.name),
      ['a;b', 'c'],
    );
  });

  it('streams plain and gzip files (detected by magic bytes, whatever the name)', async () => {
    const text = DIALECTS[0]![1];
    writeFileSync(path.join(dir, 'plain.csv'), text);
    writeFileSync(path.join(dir, 'packed.csv.gz'), gzipSync(text));
    writeFileSync(path.join(dir, 'packed-no-extension'), gzipSync(text));
    for (const file of ['plain.csv', 'packed.csv.gz', 'packed-no-extension']) {
      assert.deepEqual(plain(await readTable(path.join(dir, file), { target: 'y' })), EXPECTED, file);
    }
    assert.deepEqual(plain(parseTable(gzipSync(text), { target: 'y' })), EXPECTED);
  });

  it('streams a file larger than one chunk with identical results to an in-memory parse', async () => {
    let text = 'id_num,x,grade,y\n';
    for (let i = 0; i < 60_000; i++) text += `${i % 97},${(i * 0.37).toFixed(3)},"g${i % 5}",${i % 3 === 0 ? 'a' : 'b'}\n`;
    const file = path.join(dir, 'big.csv.gz');
    writeFileSync(file, gzipSync(text));
    const streamed = await readTable(file, { target: 'y' });
    assert.equal(streamed.nRows, 60_000);
    assert.deepEqual(plain(streamed), plain(parseTable(text, { target: 'y' })));
  });

  it('types columns: numbers numeric, text categorical with sorted categories', () => {
    const table = parseTable('n,t,y\n3,b,0\n1.5,a,1\n,c,0\n', { target: 'y' });
    assert.deepEqual(
      table.columns.map((c) => [c.name, c.type]),
      [
        ['n', 'numeric'],
        ['t', 'categorical'],
      ],
    );
    assert.deepEqual((table.columns[1] as { categories: readonly string[] }).categories, ['a', 'b', 'c']);
  });

  it('turns a column categorical at its first non-number, keeping the earlier values as text', () => {
    const table = parseTable(`v,y\n${'1\n2\n'.replace(/\n/g, ',0\n')}x,1\n1,1\n`, { target: 'y', maxCategoryRatio: null });
    assert.deepEqual(cells(table.columns[0]!), ['1', '2', 'x', '1']);
  });

  it('keeps the text of a column declared categorical (leading zeros survive)', () => {
    const table = parseTable('zip,y\n02134,0\n10001,1\n02134,1\n', { target: 'y', columns: { categorical: ['zip'] } });
    assert.deepEqual(cells(table.columns[0]!), ['02134', '10001', '02134']);
  });

  it('drops columns named in columns.drop', () => {
    const table = parseTable('id,x,y\nA,1,0\nB,2,1\n', { target: 'y', columns: { drop: ['id'] } });
    assert.deepEqual(
      table.columns.map((c) => c.name),
      ['x'],
    );
  });

  it('refuses a text column with more distinct values than half the rows, hinting to drop it', () => {
    const text = 'name,x,y\n' + Array.from({ length: 40 }, (_, i) => `n${i},${i},${i % 2}`).join('\n');
    assert.throws(() => parseTable(text, { target: 'y' }), isInvalid('INVALID_CSV', undefined, undefined, /"name" has 40 distinct.*columns\.drop/));
    assert.equal(parseTable(text, { target: 'y', columns: { drop: ['name'] } }).columns.length, 1);
  });

  it('refuses a column spec naming an unknown column, listing the available ones', () => {
    assert.throws(
      () => parseTable('a,y\n1,0\n', { target: 'y', columns: { drop: ['b'] } }),
      isInvalid('INVALID_SPEC', undefined, undefined, /"b".*available columns: a, y/),
    );
  });

  describe('target and task', () => {
    it('infers regression for non-integer numbers', () => {
      assert.equal(parseTable('x,y\n1,0.5\n2,1\n', { target: 'y' }).target.task, 'regression');
    });
    it('infers classification for integers, sorted numerically', () => {
      const t = parseTable('x,y\n1,10\n2,9\n3,10\n', { target: 'y' }).target;
      assert.equal(t.task, 'classification');
      assert.deepEqual(t.task === 'classification' && t.classes, ['9', '10']);
    });
    it('infers classification for strings and booleans', () => {
      const t = parseTable('x,y\n1,True\n2,False\n', { target: 'y' }).target;
      assert.deepEqual(t.task === 'classification' && t.classes, ['False', 'True']);
    });
    it('reads integers as a regression target when task: regression', () => {
      const t = parseTable('x,y\n1,10\n2,9\n', { target: 'y', task: 'regression' }).target;
      assert.equal(t.task, 'regression');
      assert.deepEqual(Array.from(t.y), [10, 9]);
    });
    it('refuses more classes than max_classes with the regression hint', () => {
      const text = 'x,y\n' + Array.from({ length: 12 }, (_, i) => `${i},${i * 100}`).join('\n');
      assert.throws(
        () => parseTable(text, { target: 'y', maxClasses: 10 }),
        isInvalid('INVALID_CSV', undefined, undefined, /12 distinct values.*set task: regression/),
      );
    });
    it('refuses text in a regression target, naming line and column', () => {
      assert.throws(
        () => parseTable('x,y\n1,2.5\n2,heavy\n', { target: 'y', task: 'regression' }),
        isInvalid('INVALID_CSV', 3, 2, /regression target.*"heavy" is not a number/),
      );
    });
  });

  describe('errors name the file, line and column', () => {
    const CASES: Array<[string, string, number, number, RegExp]> = [
      ['an unterminated quote', 'a,y\n1,0\n"open,1\n', 3, 1, /unterminated quoted field/],
      ['a short row', 'a,b,y\n1,2,0\n3,1\n', 3, 2, /has 2 fields, the header has 3/],
      ['a long row', 'a,y\n1,0\n2,1,9\n', 3, 3, /more fields than the header/],
      ['a non-number in a declared numeric column', 'a,y\n1,0\n"Torgersen",1\n', 3, 1, /"Torgersen" is not a number/],
      ['a missing target', 'a,y\n1,0\n2,\n', 3, 2, /missing target value/],
      ['a duplicate header', 'a,a,y\n1,2,0\n', 1, 2, /duplicate column name "a"/],
      ['text after a closing quote', 'a,y\n"x"z,0\n', 2, 1, /text after a closing quote/],
      ['an embedded newline before the error', 'a,b,y\n"x\ny",1,0\n"z",oops\n', 4, 2, /has 2 fields/],
    ];
    for (const [name, text, line, column, pattern] of CASES) {
      it(`reports ${name}`, () => {
        assert.throws(
          () => parseTable(text, { target: 'y', source: 'data.csv', columns: name.includes('declared') ? { numeric: ['a'] } : {} }),
          (error: unknown) => {
            isInvalid('INVALID_CSV', line, column, pattern)(error);
            assert.equal((error as SweepqError).location?.file, 'data.csv');
            return true;
          },
        );
      });
    }
    it('reports an empty file and a header without rows', () => {
      assert.throws(() => parseTable('', { target: 'y' }), isInvalid('INVALID_CSV', 1, undefined, /empty/));
      assert.throws(() => parseTable('a,y\n', { target: 'y' }), isInvalid('INVALID_CSV', undefined, undefined, /no data rows/));
    });
    it('reports a missing file as INVALID_CSV naming it', async () => {
      await assert.rejects(readTable(path.join(dir, 'nope.csv'), { target: 'y' }), isInvalid('INVALID_CSV', undefined, undefined, /nope\.csv \(ENOENT\)/));
    });
  });
});

describe('readTable (Parquet)', () => {
  for (const file of ['penguins.snappy.parquet', 'penguins.gzip.parquet']) {
    it(`reads ${file} (several row groups) exactly as the same data in CSV`, async () => {
      const fromParquet = await readTable(path.join(fixtures, file), { target: 'species' });
      const fromCsv = await readTable(path.join(fixtures, 'penguins.csv'), { target: 'species' });
      assert.equal(fromParquet.nRows, 344);
      assert.deepEqual(plain(fromParquet), plain(fromCsv));
    });
  }

  it('applies the column spec and task to Parquet too', async () => {
    const table = await readTable(path.join(fixtures, 'penguins.snappy.parquet'), {
      target: 'body_mass_g',
      task: 'regression',
      columns: { drop: ['year'], categorical: [] },
    }).catch((e: unknown) => e);
    // body_mass_g has missing values: a clear error naming the row.
    assert.ok(table instanceof SweepqError && /row 4.*missing target/.test(table.message), String(table));
    const species = await readTable(path.join(fixtures, 'penguins.snappy.parquet'), { target: 'species', columns: { drop: ['year'] } });
    assert.deepEqual(
      species.columns.map((c) => c.name),
      ['island', 'bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g', 'sex'],
    );
  });
});
