/**
 * The `dataframe_split` fast path must build exactly the table of the general path (JSON.parse +
 * invocation-table.ts), and hand every body it does not take whole back to it (null), so errors are
 * always the general path's, with the column and row.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InputColumn } from '../../shared/ml/pipeline.js';
import { tableFromInvocation } from '../../shared/serving/invocation-table.js';
import { scanSplitBody } from '../../shared/serving/split-body-scanner.js';

const COLUMNS: InputColumn[] = [
  { name: 'x', type: 'numeric' },
  { name: 'island', type: 'categorical' },
  { name: 'y', type: 'numeric' },
];
const MAX_ROWS = 100;
const bytes = (text: string): Uint8Array => Buffer.from(text, 'utf8');

describe('scanSplitBody', () => {
  const taken: Array<[string, string]> = [
    ['plain rows', '{"dataframe_split": {"columns": ["x", "island", "y"], "data": [[1.5, "Biscoe", -2], [0, "Dream", 3e2]]}}'],
    [
      'reordered and extra columns, index and params',
      '{"dataframe_split": {"index": [7, 8], "columns": ["y", "extra", "island", "x"], "data": [[1, {"a": [1]}, "Torgersen", 2.25], [null, "z", null, -0.0]]}, "params": {"proba": true}}',
    ],
    ['missing values as null and NaN', '{"dataframe_split": {"columns": ["x", "island", "y"], "data": [[NaN, null, null], [1, "Biscoe", NaN]]}}'],
    [
      'numbers and booleans in a categorical column',
      '{"dataframe_split": {"columns": ["x", "island", "y"], "data": [[1, 8, 2], [1, true, 2], [1, false, 2], [1, 8.5, 2]]}}',
    ],
    [
      'escapes and non-ASCII categories',
      '{"dataframe_split": {"columns": ["x", "isl\\u0061nd", "y"], "data": [[1, "Dr\\"eam", 2], [1, "Île", 2], [1, "Île", 2]]}}',
    ],
    ['no rows', '{"dataframe_split": {"columns": ["x", "island", "y"], "data": []}}'],
    ['whitespace everywhere', ' {\n "dataframe_split" : {\t"columns" : [ "x" , "island" , "y" ] , "data" : [ [ 1 , "a" , 2 ] ] } } \n'],
  ];
  for (const [label, body] of taken) {
    it(`builds the general path's table for ${label}`, () => {
      const fast = scanSplitBody(bytes(body), COLUMNS, MAX_ROWS);
      assert.ok(fast !== null, 'the fast path takes the body');
      // The general path reads NaN literals through json-body.ts; here they are written as null.
      const general = tableFromInvocation(JSON.parse(body.replaceAll('NaN', 'null')) as unknown, COLUMNS, MAX_ROWS);
      assert.deepEqual(fast, general);
    });
  }

  const refused: Array<[string, string]> = [
    ['another format', '{"dataframe_records": [{"x": 1, "island": "a", "y": 2}]}'],
    ['two formats', '{"dataframe_split": {"columns": ["x", "island", "y"], "data": []}, "inputs": []}'],
    ['data before columns', '{"dataframe_split": {"data": [[1, "a", 2]], "columns": ["x", "island", "y"]}}'],
    ['a missing column', '{"dataframe_split": {"columns": ["x", "island"], "data": [[1, "a"]]}}'],
    ['a string in a numeric column', '{"dataframe_split": {"columns": ["x", "island", "y"], "data": [[1, "a", "2"]]}}'],
    ['a short row', '{"dataframe_split": {"columns": ["x", "island", "y"], "data": [[1, "a"]]}}'],
    ['an infinite number', '{"dataframe_split": {"columns": ["x", "island", "y"], "data": [[1e999, "a", 2]]}}'],
    [
      'too many rows',
      `{"dataframe_split": {"columns": ["x", "island", "y"], "data": [${Array.from({ length: MAX_ROWS + 1 }, () => '[1, "a", 2]').join(',')}]}}`,
    ],
    ['a syntax error', '{"dataframe_split": {"columns": ["x", "island", "y"], "data": [[1, "a", 2],]}}'],
    ['trailing bytes', '{"dataframe_split": {"columns": ["x", "island", "y"], "data": []}} x'],
    ['a duplicate column name', '{"dataframe_split": {"columns": ["x", "x", "island", "y"], "data": [[1, 1, "a", 2]]}}'],
    ['an invalid escape in a skipped cell', '{"dataframe_split": {"columns": ["x", "island", "y", "extra"], "data": [[1, "a", 2, "\\x"]]}}'],
    ['an invalid escape in params', '{"dataframe_split": {"columns": ["x", "island", "y"], "data": []}, "params": {"a\\x": 1}}'],
    ['params that are not an object', '{"dataframe_split": {"columns": ["x", "island", "y"], "data": []}, "params": [1]}'],
  ];
  for (const [label, body] of refused) {
    it(`leaves ${label} to the general path`, () => {
      assert.equal(scanSplitBody(bytes(body), COLUMNS, MAX_ROWS), null);
    });
  }
});
