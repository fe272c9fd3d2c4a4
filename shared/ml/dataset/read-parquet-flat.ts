/**
 * Fast path for the common Parquet column — flat (not nested), a plain physical type (DOUBLE, FLOAT,
 * INT32, INT64, BOOLEAN, or UTF-8 BYTE_ARRAY), no logical conversion — built from hyparquet's page
 * decoders but without its row assembly: values are scattered straight into the column builder using
 * the definition levels, and dictionary-encoded text is mapped to category codes once per dictionary
 * entry (no JS string per cell). Anything else goes through hyparquet's general reader.
 */
import type { ColumnMetaData, Compressors, DecodedArray, SchemaTree } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { convert, DEFAULT_PARSERS } from 'hyparquet/src/convert.js';
import { decompressPage, readDataPage, readDataPageV2 } from 'hyparquet/src/datapage.js';
import { readPlain } from 'hyparquet/src/plain.js';
import { getMaxDefinitionLevel } from 'hyparquet/src/schema.js';
import { InvalidInputError } from '../../errors/index.js';
import { BLOCK_BITS, BLOCK_MASK, ColumnBuilder, NUMERIC } from './column-builder.js';
import { truncate } from './column-roles.js';
import { decodeRleHybrid } from './parquet-rle.js';

const NUMBER_TYPES = new Set(['DOUBLE', 'FLOAT', 'INT32', 'INT64']);
/** v1 data page encodings decoded here; others (delta, byte stream split, …) use hyparquet's decoder. */
const fastEncodings: ReadonlySet<string> = new Set(['PLAIN', 'PLAIN_DICTIONARY', 'RLE_DICTIONARY']);

function bitWidthOf(maxValue: number): number {
  return 32 - Math.clz32(maxValue);
}

/** Whether a column can take the fast path. */
export function isFastFlatColumn(schemaPath: readonly SchemaTree[]): boolean {
  if (schemaPath.length !== 2) return false;
  const element = schemaPath[1]!.element;
  if (element.repetition_type === 'REPEATED') return false;
  const type = element.type;
  if (type === undefined) return false;
  if (NUMBER_TYPES.has(type) || type === 'BOOLEAN') {
    const logical = element.logical_type;
    return element.converted_type === undefined && (logical === undefined || logical.type === 'INTEGER');
  }
  if (type === 'BYTE_ARRAY') return element.converted_type === 'UTF8' || element.logical_type?.type === 'STRING';
  return false;
}

/** Byte range [start, end) of a column chunk in the file (the dictionary page, if any, comes first). */
export function columnChunkRange(meta: ColumnMetaData): { start: number; end: number } {
  const dataOffset = Number(meta.data_page_offset);
  const dictOffset = meta.dictionary_page_offset === undefined ? dataOffset : Number(meta.dictionary_page_offset);
  const start = dictOffset > 0 && dictOffset < dataOffset ? dictOffset : dataOffset;
  return { start, end: start + Number(meta.total_compressed_size) };
}

/** Decodes one column chunk (one row group) into `builder` rows [groupStart, groupStart + groupRows). */
export function readFlatColumnChunk(
  chunkBytes: Uint8Array,
  meta: ColumnMetaData,
  schemaPath: SchemaTree[],
  builder: ColumnBuilder,
  isTarget: boolean,
  groupStart: number,
  groupRows: number,
  compressors: Compressors,
  source: string,
): void {
  const bytes = chunkBytes.buffer;
  const view = new DataView(bytes, chunkBytes.byteOffset, chunkBytes.byteLength);
  const reader = { view, offset: 0 };
  const element = schemaPath[1]!.element;
  const decoder = {
    pathInSchema: meta.path_in_schema,
    type: meta.type,
    element,
    schemaPath,
    codec: meta.codec,
    parsers: DEFAULT_PARSERS,
    compressors,
    utf8: true,
  };
  const maxDef = getMaxDefinitionLevel(schemaPath);
  const numeric = builder.kind === NUMERIC;
  const text = meta.type === 'BYTE_ARRAY';
  // Per dictionary entry: the category code (categorical builder) or the number (numeric builder).
  let dictCodes: Int32Array | null = null;
  let dictValues: Float64Array | null = null;
  let row = groupStart;
  const end = groupStart + groupRows;
  let scratchLevels = new Int32Array(0);
  let scratchIndices = new Int32Array(0);
  while (row < end && reader.offset < view.byteLength) {
    const header = parquetHeader(reader);
    const compressed = new Uint8Array(bytes, chunkBytes.byteOffset + reader.offset, header.compressed_page_size);
    reader.offset += header.compressed_page_size;
    if (header.type === 'DICTIONARY_PAGE') {
      const page = decompressPage(compressed, Number(header.uncompressed_page_size), decoder.codec, compressors);
      const dictHeader = header.dictionary_page_header!;
      const raw = readPlain(
        { view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: 0 },
        meta.type,
        dictHeader.num_values,
        element.type_length,
      );
      const values = convert(raw, decoder) as ArrayLike<unknown>;
      if (numeric) {
        if (text) throw notNumeric(builder, row, source);
        dictValues = new Float64Array(values.length);
        for (let k = 0; k < values.length; k++) dictValues[k] = toNumber(values[k]);
      } else {
        dictCodes = new Int32Array(values.length);
        for (let k = 0; k < values.length; k++) dictCodes[k] = builder.codeOfString(textOf(values[k]));
      }
      continue;
    }
    if (header.type === 'DATA_PAGE' && fastEncodings.has(header.data_page_header!.encoding)) {
      // Our own v1 page decoding for plain and dictionary pages: levels and indices into reused
      // Int32Arrays, values read in place (no per-page JS arrays).
      const dataHeader = header.data_page_header!;
      const page = decompressPage(compressed, Number(header.uncompressed_page_size), decoder.codec, compressors);
      const n = Math.min(dataHeader.num_values, end - row);
      let p = 0;
      let present = n;
      if (maxDef > 0) {
        const length = page[0]! | (page[1]! << 8) | (page[2]! << 16) | (page[3]! << 24);
        if (scratchLevels.length < dataHeader.num_values) scratchLevels = new Int32Array(dataHeader.num_values * 2);
        decodeRleHybrid(page, 4, 4 + length, bitWidthOf(maxDef), dataHeader.num_values, scratchLevels);
        p = 4 + length;
        present = 0;
        for (let i = 0; i < n; i++) if (scratchLevels[i] === maxDef) present++;
      }
      const dictionaryEncoded = dataHeader.encoding !== 'PLAIN';
      if (dictionaryEncoded) {
        const bitWidth = page[p++]!;
        if (scratchIndices.length < present) scratchIndices = new Int32Array(present * 2);
        if (bitWidth === 0) scratchIndices.fill(0, 0, present);
        else decodeRleHybrid(page, p, page.length, bitWidth, present, scratchIndices);
      }
      const pageView = new DataView(page.buffer, page.byteOffset, page.byteLength);
      const allPresent = maxDef === 0 || present === n;
      if (!allPresent && isTarget) {
        for (let i = 0; i < n; i++) if (scratchLevels[i] !== maxDef) throw missingTarget(builder, row + i, source);
      }
      // Tight loops for the bulk cases: dictionary indices, and plain doubles into a numeric column.
      if (dictionaryEncoded || (numeric && meta.type === 'DOUBLE')) {
        let values: ArrayLike<number>;
        if (dictionaryEncoded) values = scratchIndices;
        else {
          const at = page.byteOffset + p;
          if (at % 8 === 0) values = new Float64Array(page.buffer, at, present);
          else {
            const copy = new Float64Array(present);
            for (let j = 0; j < present; j++) copy[j] = pageView.getFloat64(p + 8 * j, true);
            values = copy;
          }
        }
        let k = 0;
        if (numeric) {
          const lookup = dictionaryEncoded ? dictValues! : null;
          for (let i = 0; i < n; i++, row++) {
            const target = builder.numBlocks[row >>> BLOCK_BITS]!;
            if (!allPresent && scratchLevels[i] !== maxDef) target[row & BLOCK_MASK] = Number.NaN;
            else target[row & BLOCK_MASK] = lookup === null ? values[k++]! : lookup[values[k++]!]!;
          }
        } else {
          const codes = dictCodes!;
          for (let i = 0; i < n; i++, row++) {
            const target = builder.catBlocks[row >>> BLOCK_BITS]!;
            target[row & BLOCK_MASK] = !allPresent && scratchLevels[i] !== maxDef ? -1 : codes[values[k++]!]!;
          }
        }
        continue;
      }
      let k = 0;
      for (let i = 0; i < n; i++, row++) {
        const block = row >>> BLOCK_BITS;
        const offset = row & BLOCK_MASK;
        if (maxDef > 0 && scratchLevels[i] !== maxDef) {
          if (isTarget) throw missingTarget(builder, row, source);
          if (numeric) builder.numBlocks[block]![offset] = Number.NaN;
          else builder.catBlocks[block]![offset] = -1;
          continue;
        }
        if (dictionaryEncoded) {
          const index = scratchIndices[k++]!;
          if (numeric) builder.numBlocks[block]![offset] = dictValues![index]!;
          else builder.catBlocks[block]![offset] = dictCodes![index]!;
          continue;
        }
        // PLAIN.
        switch (meta.type) {
          case 'DOUBLE': {
            const v = pageView.getFloat64(p, true);
            p += 8;
            if (numeric) builder.numBlocks[block]![offset] = v;
            else builder.catBlocks[block]![offset] = builder.codeOfString(String(v));
            break;
          }
          case 'FLOAT': {
            const v = pageView.getFloat32(p, true);
            p += 4;
            if (numeric) builder.numBlocks[block]![offset] = v;
            else builder.catBlocks[block]![offset] = builder.codeOfString(String(v));
            break;
          }
          case 'INT32': {
            const v = pageView.getInt32(p, true);
            p += 4;
            if (numeric) builder.numBlocks[block]![offset] = v;
            else builder.catBlocks[block]![offset] = builder.codeOfString(String(v));
            break;
          }
          case 'INT64': {
            const v = Number(pageView.getBigInt64(p, true));
            p += 8;
            if (numeric) builder.numBlocks[block]![offset] = v;
            else builder.catBlocks[block]![offset] = builder.codeOfString(String(v));
            break;
          }
          case 'BOOLEAN': {
            const v = (page[p + (k >>> 3)]! >>> (k & 7)) & 1;
            k++;
            if (numeric) builder.numBlocks[block]![offset] = v;
            else builder.catBlocks[block]![offset] = builder.codeOfString(v ? 'True' : 'False');
            break;
          }
          default: {
            // BYTE_ARRAY: 4-byte length, then the bytes; looked up without making a string.
            const length = page[p]! | (page[p + 1]! << 8) | (page[p + 2]! << 16) | (page[p + 3]! << 24);
            p += 4;
            if (numeric) throw notNumeric(builder, row, source);
            builder.catBlocks[block]![offset] = builder.dict.idOf(page, p, p + length);
            p += length;
          }
        }
      }
      continue;
    }
    let levels: number[] | undefined;
    let dataPage: DecodedArray;
    let encoding: string;
    let count: number;
    if (header.type === 'DATA_PAGE') {
      const dataHeader = header.data_page_header!;
      const page = decompressPage(compressed, Number(header.uncompressed_page_size), decoder.codec, compressors);
      ({ definitionLevels: levels, dataPage } = readDataPage(page, dataHeader, decoder));
      encoding = dataHeader.encoding;
      count = dataHeader.num_values;
    } else if (header.type === 'DATA_PAGE_V2') {
      const dataHeader = header.data_page_header_v2!;
      ({ definitionLevels: levels, dataPage } = readDataPageV2(compressed, header, decoder));
      encoding = dataHeader.encoding;
      count = dataHeader.num_values;
    } else {
      continue; // index pages
    }
    const definitionLevels: ArrayLike<number> = levels ?? [];
    const dictionaryEncoded = encoding.endsWith('_DICTIONARY');
    const values = dataPage as ArrayLike<unknown>;
    const hasLevels = definitionLevels.length > 0;
    let k = 0;
    const stop = Math.min(count, end - row);
    for (let i = 0; i < stop; i++, row++) {
      const block = row >>> BLOCK_BITS;
      const offset = row & BLOCK_MASK;
      if (hasLevels && definitionLevels[i] !== maxDef) {
        if (isTarget) throw missingTarget(builder, row, source);
        if (numeric) builder.numBlocks[block]![offset] = Number.NaN;
        else builder.catBlocks[block]![offset] = -1;
        continue;
      }
      const value = values[k++];
      if (numeric) {
        if (dictionaryEncoded) builder.numBlocks[block]![offset] = dictValues![value as number]!;
        else if (text) throw notNumeric(builder, row, source);
        else builder.numBlocks[block]![offset] = toNumber(value);
      } else if (dictionaryEncoded) {
        builder.catBlocks[block]![offset] = dictCodes![value as number]!;
      } else if (value instanceof Uint8Array) {
        builder.catBlocks[block]![offset] = builder.dict.idOf(value, 0, value.length);
      } else {
        builder.catBlocks[block]![offset] = builder.codeOfString(textOf(value));
      }
    }
  }
  if (row < end) {
    throw new InvalidInputError(
      'INVALID_CSV',
      `${source}: column "${truncate(builder.name)}" has ${row - groupStart} values in a row group of ${groupRows} rows; the file is truncated or corrupt`,
      {
        location: { file: source },
      },
    );
  }
}

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return Number.NaN;
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return String(value);
}

function missingTarget(builder: ColumnBuilder, row: number, source: string): InvalidInputError {
  return new InvalidInputError(
    'INVALID_CSV',
    `${source} row ${row + 1}, column "${truncate(builder.name)}": missing target value; every row needs a target (drop the rows without one)`,
    {
      location: { file: source, path: `row ${row + 1}` },
    },
  );
}

function notNumeric(builder: ColumnBuilder, row: number, source: string): InvalidInputError {
  return new InvalidInputError(
    'INVALID_CSV',
    `${source} row ${row + 1}, column "${truncate(builder.name)}": the column holds text but is declared numeric (or is the regression target)`,
    {
      location: { file: source, path: `row ${row + 1}` },
    },
  );
}
