/**
 * Sweep file text → validated {@link SweepSpec}. YAML or JSON, bounded in size and nesting, free of
 * prototype-polluting keys and non-finite numbers, then checked by the zod schema. Every problem is
 * reported at once, each as `<file>:<line>:<col> at <path>: <what is wrong> (<how to fix>)`, with line
 * numbers recovered from the YAML node ranges (JSON is read through the YAML parser for positions).
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { InvalidInputError } from '../errors/index.js';
import { describeValue, sweepIssueMessage, UNION_DEFAULT_MESSAGE } from '../schemas/spec-messages.js';
import { ResolvedSweepSpecSchema, SweepSpecSchema, type ResolvedSweepSpec, type SweepSpec } from '../schemas/sweep-spec.schema.js';
import { findOversizedMapping } from './find-oversized-mapping.js';
import { ProgramSweepSpecSchema, type ProgramSweepSpec } from '../schemas/program-spec.schema.js';

/** Largest sweep file accepted: a legitimate sweep is a few KB; anything near this is a mistake or an attack. */
export const MAX_SWEEP_FILE_BYTES = 1024 * 1024;
/** Deepest nesting accepted; a sweep file needs about 6 levels. */
export const MAX_SPEC_DEPTH = 64;
/**
 * Most keys in one mapping. A sweep file's largest mapping (the top level, a model's params) has a
 * few dozen; a mapping of 100,000 keys only costs the parser time (see find-oversized-mapping.ts).
 */
export const MAX_KEYS_PER_MAPPING = 1000;
/** Most issues spelled out in an error message (all of them are in `details`, up to this × 20). */
const MAX_LISTED_ISSUES = 50;
/** YAML aliases expanded at most this many times ("billion laughs" guard). */
const MAX_ALIAS_COUNT = 100;
/**
 * Rough nesting estimate above which YAML is refused before parsing: the yaml parser needs seconds
 * for a megabyte of `[[[[…` and recurses when composing, so the exact depth check comes too late.
 */
const YAML_PRESCAN_DEPTH = 256;
/** Keys that could reach Object.prototype through a careless merge downstream. */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export type SweepFileFormat = 'yaml' | 'json';

export interface ParseSweepOptions {
  /** File name used in messages and error locations. */
  source: string;
  /** Default: from the extension (.json / .yaml / .yml), else sniffed from the content. */
  format?: SweepFileFormat;
}

/** A 1-based position in the source text. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** Maps a document path (`['search', 'space', 0, 'params']`) to its position in the source text. */
export type Locator = (path: readonly PropertyKey[], options?: { key?: boolean }) => SourcePosition | undefined;

/** One validation problem, as listed in an error's `details`. */
export interface SpecIssue {
  /** Dotted path, e.g. `search.space[0].params.max_depth` (empty for the whole document). */
  path: string;
  message: string;
  line?: number;
  column?: number;
}

/** The raw (not yet validated) content of a sweep file with a way to locate paths in it. */
export interface SweepDocument {
  value: unknown;
  locate: Locator;
  format: SweepFileFormat;
}

/** A validated sweep file with its locator (for errors found later, e.g. a missing CSV). */
export interface ParsedSweepFile {
  spec: SweepSpec;
  locate: Locator;
  format: SweepFileFormat;
}

/**
 * Parses and validates sweep file text.
 * @throws InvalidInputError `INVALID_SPEC` (syntax or schema; every issue in `details`) or
 *   `LIMIT_EXCEEDED` (file larger than {@link MAX_SWEEP_FILE_BYTES}).
 */
export function parseSweepText(text: string, options: ParseSweepOptions): SweepSpec {
  return parseSweepFileText(text, options).spec;
}

/** {@link parseSweepText}, also returning the locator of the source text. */
export function parseSweepFileText(text: string, options: ParseSweepOptions): ParsedSweepFile {
  const document = readSweepDocument(text, options);
  const spec = validateWithSchema(SweepSpecSchema, document.value, options.source, document.locate);
  return { spec, locate: document.locate, format: document.format };
}

/**
 * Validates an already-parsed value (an HTTP body, a spec read back from Redis) as a resolved sweep
 * spec: dataset files must be uploaded `{sha256}` references.
 * @throws InvalidInputError `INVALID_SPEC` listing every issue (paths, no line numbers).
 */
export function parseResolvedSweepSpec(value: unknown, options: { source?: string } = {}): ResolvedSweepSpec {
  const source = options.source ?? 'sweep spec';
  const locate: Locator = () => undefined;
  checkTree(value, source, locate);
  return validateWithSchema(ResolvedSweepSpecSchema, value, source, locate);
}

/**
 * Validates an already-parsed program sweep (issue 14): a document with a `program:` block.
 * @throws InvalidInputError `INVALID_SPEC` listing every issue.
 */
export function parseProgramSweepSpec(value: unknown, options: { source?: string; locate?: Locator } = {}): ProgramSweepSpec {
  const source = options.source ?? 'sweep spec';
  const locate: Locator = options.locate ?? (() => undefined);
  checkTree(value, source, locate);
  return validateWithSchema(ProgramSweepSpecSchema, value, source, locate);
}

export type { ResolvedSweepSpec, SweepSpec };

/**
 * Syntax stage: size limit, YAML/JSON parsing, nesting, forbidden keys, non-finite numbers.
 * @throws InvalidInputError `INVALID_SPEC` / `LIMIT_EXCEEDED`.
 */
export function readSweepDocument(rawText: string, options: ParseSweepOptions): SweepDocument {
  const source = options.source;
  const bytes = Buffer.byteLength(rawText, 'utf8');
  if (bytes > MAX_SWEEP_FILE_BYTES) {
    throw new InvalidInputError(
      'LIMIT_EXCEEDED',
      `${source}: sweep file is ${(bytes / 1048576).toFixed(1)} MiB, more than the 1 MiB limit (a sweep file only describes the sweep; put data in CSV files referenced from dataset:)`,
      { location: { file: source }, details: { bytes, limit: MAX_SWEEP_FILE_BYTES } },
    );
  }
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  const format = options.format ?? formatFromName(source) ?? sniffFormat(text);
  if (text.trim().length === 0) {
    throw syntaxError(source, 1, 1, 'the sweep file is empty (write a mapping with name:, dataset: and trials: or search:)');
  }

  let value: unknown;
  let locate: Locator;
  if (format === 'json') {
    value = parseJson(text, source);
    // Positions and duplicate keys come from reading the same text as YAML (JSON is valid YAML 1.2);
    // only after the depth check, so the YAML composer never sees deep input.
    if (deeperThan(value, MAX_SPEC_DEPTH)) {
      throw syntaxError(
        source,
        1,
        1,
        `the document is nested too deeply, more than ${MAX_SPEC_DEPTH} levels (a sweep file needs about 6; check the structure)`,
      );
    }
    refuseOversizedMappings(text, source);
    const lineCounter = new LineCounter();
    // Duplicate keys are found by checkMappings in one pass: the yaml library's own check
    // (uniqueKeys) compares every key with every other.
    const doc = parseDocument(text, { uniqueKeys: false, lineCounter, prettyErrors: false });
    locate = makeLocator(doc, lineCounter);
    checkMappings(doc, lineCounter, source);
    checkTree(value, source, locate);
  } else {
    const estimate = estimateYamlDepth(text, YAML_PRESCAN_DEPTH);
    if (estimate.depth > YAML_PRESCAN_DEPTH) {
      throw syntaxError(source, estimate.line, 1, `the document is nested too deeply (more than ${MAX_SPEC_DEPTH} levels; a sweep file needs about 6)`);
    }
    refuseOversizedMappings(text, source);
    const lineCounter = new LineCounter();
    // prettyErrors stays off: its context rendering ran out of memory on a 10,000-deep flow sequence.
    // uniqueKeys stays off: checkMappings finds duplicates in linear time (see the JSON branch).
    const doc = parseDocument(text, { uniqueKeys: false, lineCounter, prettyErrors: false, schema: 'core' });
    const problems = [...doc.errors, ...doc.warnings];
    if (problems.length > 0)
      throw specError(
        source,
        problems.map((e) => yamlIssue(e, lineCounter, text, doc)),
      );
    checkMappings(doc, lineCounter, source);
    // `? [a, b]: c` keys would be stringified by toJS (with a process warning): refuse them instead.
    const complexKeys: SpecIssue[] = [];
    visit(doc, {
      Pair(_, pair) {
        const key = pair.key as Node | null;
        if (key !== null && !isScalar(key) && complexKeys.length < MAX_LISTED_ISSUES) {
          const position = lineCounter.linePos(key.range?.[0] ?? 0);
          complexKeys.push({
            path: '',
            message: 'a key must be plain text, not a list or mapping (write key: value)',
            line: position.line,
            column: position.col,
          });
        }
      },
    });
    if (complexKeys.length > 0) throw specError(source, complexKeys);
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      if (error instanceof RangeError) {
        throw syntaxError(source, 1, 1, `the document is nested too deeply (more than ${MAX_SPEC_DEPTH} levels)`, error);
      }
      throw syntaxError(
        source,
        1,
        1,
        `YAML aliases expand too many times, more than ${MAX_ALIAS_COUNT} (alias bomb?; write the values out or use fewer *alias references)`,
        error,
      );
    }
    locate = makeLocator(doc, lineCounter);
    checkTree(value, source, locate);
  }
  if (value === null || value === undefined) {
    throw syntaxError(source, 1, 1, 'the sweep file is empty (write a mapping with name:, dataset: and trials: or search:)');
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    const position = locate([]) ?? { line: 1, column: 1 };
    throw syntaxError(
      source,
      position.line,
      position.column,
      `the sweep file must be a mapping of keys (name:, dataset:, …), got ${describeValue(value)} (write key: value pairs at the top level)`,
    );
  }
  return { value, locate, format };
}

/** Runs a zod schema and converts its issues into one InvalidInputError. */
export function validateWithSchema<S extends z.ZodType>(schema: S, value: unknown, source: string, locate: Locator): z.output<S> {
  const result = schema.safeParse(value, { reportInput: true, error: sweepIssueMessage });
  if (result.success) return normalizeNegativeZero(result.data) as z.output<S>;
  const flattened: SpecIssue[] = [];
  flattenIssues(result.error.issues, [], flattened);
  // A trial's params are checked on their own and again against the task the file names, so one
  // problem can be reported twice: say it once (the first report points at the key).
  const seen = new Set<string>();
  const issues = flattened.filter((issue) => {
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  for (const issue of issues as Array<SpecIssue & { rawPath?: PropertyKey[]; keyPosition?: boolean }>) {
    const position = issue.rawPath === undefined ? undefined : locateNearest(locate, issue.rawPath, issue.keyPosition === true);
    if (position !== undefined) {
      issue.line = position.line;
      issue.column = position.column;
    }
    delete issue.rawPath;
    delete issue.keyPosition;
  }
  throw specError(source, issues);
}

/**
 * Replaces -0 by 0 in the parsed output (zod builds fresh objects, so the caller's input is not
 * touched): JSON cannot carry -0, and a stored spec must parse back to exactly the same value.
 */
function normalizeNegativeZero(value: unknown): unknown {
  if (Object.is(value, -0)) return 0;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const child = record[key];
      if (Object.is(child, -0)) record[key] = 0;
      else if (child !== null && typeof child === 'object') normalizeNegativeZero(child);
    }
  }
  return value;
}

/** Builds the INVALID_SPEC error listing every issue; location = the first issue. */
export function specError(source: string, issues: readonly SpecIssue[], cause?: unknown): InvalidInputError {
  const lines: string[] = [];
  const listed = Math.min(issues.length, MAX_LISTED_ISSUES);
  for (let i = 0; i < listed; i++) lines.push(formatIssue(source, issues[i]!));
  if (issues.length > listed) lines.push(`… and ${issues.length - listed} more problems`);
  const first = issues[0];
  return new InvalidInputError('INVALID_SPEC', lines.join('\n'), {
    ...(cause === undefined ? {} : { cause }),
    location: {
      file: source,
      ...(first !== undefined && first.path !== '' ? { path: first.path } : {}),
      ...(first?.line === undefined ? {} : { line: first.line }),
      ...(first?.column === undefined ? {} : { column: first.column }),
    },
    details: issues.slice(0, MAX_LISTED_ISSUES * 20),
  });
}

/** `<file>:<line>:<col> at <path>: <message>`. */
export function formatIssue(source: string, issue: SpecIssue): string {
  let where = source;
  if (issue.line !== undefined) where += `:${issue.line}`;
  if (issue.column !== undefined) where += `:${issue.column}`;
  return `${where} at ${issue.path === '' ? '(top level)' : issue.path}: ${issue.message}`;
}

/** `search.space[0].params.max_depth`; keys that are not identifiers are quoted (and escaped). */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else {
      const key = String(segment);
      if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)) out += out === '' ? key : `.${key}`;
      else out += `[${JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key)}]`;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Issue flattening.

interface RawIssue {
  code: string;
  path: PropertyKey[];
  message: string;
  input?: unknown;
  keys?: string[];
  errors?: RawIssue[][];
  params?: { at?: string };
}

/**
 * Converts zod issues to SpecIssues. An unresolved union whose input had the right type for exactly
 * one branch reports that branch's issues instead (a string path that is empty → "must not be empty",
 * not "matches no form"); an unknown-keys issue points at the key itself.
 */
function flattenIssues(issues: readonly z.core.$ZodIssue[] | readonly RawIssue[], prefix: readonly PropertyKey[], out: SpecIssue[]): void {
  for (const issue of issues as readonly RawIssue[]) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.message === UNION_DEFAULT_MESSAGE && issue.errors !== undefined) {
      const candidates = issue.errors.filter((branch) => !(branch.length === 1 && branch[0]!.code === 'invalid_type' && branch[0]!.path.length === 0));
      if (candidates.length === 1) {
        flattenIssues(candidates[0]!, path, out);
        continue;
      }
    }
    if (issue.code === 'unrecognized_keys' && issue.keys !== undefined && issue.keys.length > 0) {
      const keyPath = [...path, issue.keys[0]!];
      out.push(Object.assign({ path: formatPath(keyPath), message: issue.message }, { rawPath: keyPath, keyPosition: true }));
      continue;
    }
    out.push(Object.assign({ path: formatPath(path), message: issue.message }, { rawPath: path, keyPosition: issue.params?.at === 'key' }));
  }
}

function locateNearest(locate: Locator, path: readonly PropertyKey[], key: boolean): SourcePosition | undefined {
  return locate(path, { key });
}

// ---------------------------------------------------------------------------------------------
// Syntax helpers.

function formatFromName(source: string): SweepFileFormat | undefined {
  const lower = source.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  return undefined;
}

function sniffFormat(text: string): SweepFileFormat {
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 32 || ch === 9 || ch === 10 || ch === 13) continue;
    // `{` could also open a YAML flow mapping; a sweep is almost never written that way, and JSON
    // parse errors still point at the right place.
    return ch === 0x7b /* { */ ? 'json' : 'yaml';
  }
  return 'yaml';
}

function syntaxError(source: string, line: number, column: number, message: string, cause?: unknown): InvalidInputError {
  return specError(source, [{ path: '', message, line, column }], cause);
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const raw = error instanceof Error ? error.message : String(error);
    const match = /at position (\d+)/.exec(raw);
    const offset = match === null ? text.length : Number(match[1]);
    const { line, column } = positionOf(text, offset);
    // Keep V8's description of the problem, not its quoting of the surrounding text.
    const what = raw
      .replace(/ in JSON at position \d+.*$/s, '')
      .replace(/, ".*" is not valid JSON$/s, '')
      .slice(0, 200);
    throw syntaxError(source, line, column, `invalid JSON: ${what} (fix the syntax here; JSON needs double-quoted keys and no trailing commas)`, error);
  }
}

function positionOf(text: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

const YAML_HINTS: Record<string, string> = {
  DUPLICATE_KEY: 'each key may appear once per mapping; remove or rename the duplicate',
  TAB_AS_INDENT: 'indent with spaces, YAML does not allow tabs',
  MISSING_CHAR: 'close the quote or bracket',
  BAD_INDENT: 'align the keys of one mapping at the same column',
  BAD_SCALAR_START: 'quote the value',
  MULTILINE_IMPLICIT_KEY: 'a key must fit on one line; check the indentation and quotes',
  UNEXPECTED_TOKEN: 'check the indentation and quotes',
  TAG_RESOLVE_FAILED: 'remove the !tag, sweep files use plain YAML values',
  RESOURCE_EXHAUSTION: `keep nesting under ${MAX_SPEC_DEPTH} levels`,
};

/**
 * An unclosed quote or flow collection (`seed: [0`, `csv: "data.csv`) is reported by the yaml library
 * where it noticed — the token after it (the next line's key, or past the end of the file) — which
 * points the user one line late. The node it left open is in the document all the same: its start is
 * where the fix goes. Returns the innermost quoted scalar or flow collection that starts before `pos`
 * and runs up to it, or undefined.
 */
function unclosedOpenerBefore(doc: Document, text: string, pos: number): number | undefined {
  let opener: number | undefined;
  visit(doc, (_, node) => {
    const range = (node as Node | null)?.range;
    if (range === undefined || range === null || range[0] >= pos || range[1] < pos) return;
    const quoted = isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE');
    const flow = (isMap(node) || isSeq(node)) && node.flow === true;
    if ((quoted || flow) && !closes(text, range[0], range[1]) && (opener === undefined || range[0] > opener)) opener = range[0];
  });
  return opener;
}

/** Whether the quote or bracket at `start` is closed by the last non-blank character before `end`. */
function closes(text: string, start: number, end: number): boolean {
  let last = end - 1;
  while (last > start && /\s/.test(text[last]!)) last--;
  const open = text[start];
  const close = open === '[' ? ']' : open === '{' ? '}' : open;
  return last > start && text[last] === close;
}

/** Errors the yaml library reports past the thing left open (see unclosedOpenerBefore). */
const REPORTED_AFTER_OPENER = new Set(['MISSING_CHAR', 'BAD_INDENT']);

function yamlIssue(error: { code: string; message: string; pos: [number, number] }, lineCounter: LineCounter, text: string, doc: Document): SpecIssue {
  const at = Math.min(error.pos[0], text.length);
  // Only the messages about a closing quote or bracket: MISSING_CHAR also covers a key without a value.
  const aboutClosing = REPORTED_AFTER_OPENER.has(error.code) && /quote|[\]}]/.test(error.message);
  const opener = aboutClosing ? unclosedOpenerBefore(doc, text, at) : undefined;
  const position = lineCounter.linePos(opener ?? at);
  let message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  if (error.code === 'DUPLICATE_KEY') message = `duplicate key: ${message}`;
  if (error.code === 'RESOURCE_EXHAUSTION') message = `the document is nested too deeply or too large (${message})`;
  if (opener !== undefined) message = `${message}; the ${text[opener] === '"' || text[opener] === "'" ? 'quote' : 'bracket'} opened here is not closed`;
  const hint = YAML_HINTS[error.code] ?? 'fix the YAML syntax here';
  return {
    path: '',
    message: `invalid YAML: ${message} (${opener === undefined ? hint : YAML_HINTS.MISSING_CHAR})`,
    line: position.line,
    column: position.col,
  };
}

/** Refuses text holding a mapping of more than {@link MAX_KEYS_PER_MAPPING} keys, before it is composed. */
function refuseOversizedMappings(text: string, source: string): void {
  const over = findOversizedMapping(text, MAX_KEYS_PER_MAPPING);
  if (over !== undefined) throw tooManyKeys(source, over.line, over.column);
}

function tooManyKeys(source: string, line: number, column: number): InvalidInputError {
  return syntaxError(
    source,
    line,
    column,
    `a mapping has more than ${MAX_KEYS_PER_MAPPING} keys (a sweep file needs a few dozen; list values under values: or trials: instead)`,
  );
}

/**
 * The exact per-mapping checks on the composed document, in one pass over every mapping: at most
 * {@link MAX_KEYS_PER_MAPPING} keys, and no key twice (keys compare by type and value, as the yaml
 * library's `uniqueKeys` does: `1` and `'1'` differ, `a` and `"a"` do not).
 */
function checkMappings(doc: Document, lineCounter: LineCounter, source: string): void {
  const issues: SpecIssue[] = [];
  let tooMany: InvalidInputError | undefined;
  visit(doc, {
    Map(_, map) {
      if (map.items.length > MAX_KEYS_PER_MAPPING) {
        const position = lineCounter.linePos((map.items[MAX_KEYS_PER_MAPPING]!.key as Node | null)?.range?.[0] ?? map.range?.[0] ?? 0);
        tooMany = tooManyKeys(source, position.line, position.col);
        return visit.BREAK;
      }
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key = pair.key as Node | null;
        if (!isScalar(key)) continue;
        const id = `${typeof key.value}:${String(key.value)}`;
        if (!seen.has(id)) {
          seen.add(id);
          continue;
        }
        if (issues.length < MAX_LISTED_ISSUES) {
          const position = lineCounter.linePos(key.range?.[0] ?? 0);
          const shown = String(key.value);
          issues.push({
            path: '',
            message: `invalid YAML: duplicate key ${JSON.stringify(shown.length > 40 ? `${shown.slice(0, 40)}…` : shown)} (${YAML_HINTS.DUPLICATE_KEY})`,
            line: position.line,
            column: position.col,
          });
        }
      }
      return undefined;
    },
  });
  if (tooMany !== undefined) throw tooMany;
  if (issues.length > 0) throw specError(source, issues);
}

/**
 * Upper bound of the nesting of YAML text, cheap and conservative: per line, its indentation plus
 * `- ` sequence markers plus the open flow brackets (quotes are ignored, so brackets inside strings
 * count too: only absurd input exceeds the bound).
 */
function estimateYamlDepth(text: string, limit: number): { depth: number; line: number } {
  let flow = 0;
  let line = 1;
  let atLineStart = true;
  let lineDepth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10) {
      line++;
      atLineStart = true;
      lineDepth = 0;
      continue;
    }
    if (atLineStart) {
      if (ch === 32 || ch === 45 /* - */) {
        lineDepth++;
        if (lineDepth + flow > limit) return { depth: lineDepth + flow, line };
        continue;
      }
      atLineStart = false;
    }
    if (ch === 0x5b || ch === 0x7b) {
      flow++;
      if (lineDepth + flow > limit) return { depth: lineDepth + flow, line };
    } else if ((ch === 0x5d || ch === 0x7d) && flow > 0) flow--;
  }
  return { depth: 0, line };
}

/** True when `value` nests deeper than `limit` (recursion bounded by the limit). */
function deeperThan(value: unknown, limit: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (limit === 0) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (deeperThan(value[i], limit - 1)) return true;
    return false;
  }
  for (const key of Object.keys(value)) if (deeperThan((value as Record<string, unknown>)[key], limit - 1)) return true;
  return false;
}

/**
 * Checks the parsed tree: depth ≤ {@link MAX_SPEC_DEPTH}, plain JSON values only, finite numbers,
 * no prototype keys. Recursion is bounded by the depth limit, so it cannot overflow the stack.
 */
function checkTree(root: unknown, source: string, locate: Locator): void {
  const issues: SpecIssue[] = [];
  const report = (path: PropertyKey[], message: string, key = false): void => {
    if (issues.length >= MAX_LISTED_ISSUES) return;
    const position = locate(path, { key });
    issues.push({ path: formatPath(path), message, ...(position === undefined ? {} : { line: position.line, column: position.column }) });
  };
  const path: PropertyKey[] = [];
  const visit = (value: unknown, depth: number): void => {
    if (issues.length >= MAX_LISTED_ISSUES) return;
    if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) {
        report(path.slice(), `${describeValue(value)} is not a finite number (write a finite number; .nan, .inf and 1e999 are not accepted)`);
      }
      return;
    }
    if (typeof value !== 'object') {
      report(path.slice(), `unsupported value of type ${typeof value} (use plain numbers, text, lists and mappings)`);
      return;
    }
    if (depth >= MAX_SPEC_DEPTH) {
      report(path.slice(), `the document is nested too deeply, more than ${MAX_SPEC_DEPTH} levels (a sweep file needs about 6; check the structure)`);
      return;
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        visit(value[i], depth + 1);
        path.pop();
      }
      return;
    }
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      report(path.slice(), 'unsupported YAML value (binary, dates, sets and other tagged types are not accepted; use plain numbers, text, lists and mappings)');
      return;
    }
    for (const key of Object.keys(value)) {
      path.push(key);
      if (FORBIDDEN_KEYS.has(key)) {
        report(path.slice(), `key ${JSON.stringify(key)} is not allowed (it is reserved by JavaScript objects; remove it)`, true);
      } else {
        visit((value as Record<string, unknown>)[key], depth + 1);
      }
      path.pop();
    }
  };
  visit(root, 0);
  if (issues.length > 0) throw specError(source, issues);
}

/** Locator over a YAML document: walks mappings/sequences by path; stops at the deepest existing node. */
function makeLocator(doc: Document, lineCounter: LineCounter): Locator {
  return (path, options) => {
    let node: unknown = doc.contents;
    let best: Node | undefined = doc.contents ?? undefined;
    for (let i = 0; i < path.length; i++) {
      if (isAlias(node)) node = node.resolve(doc);
      const segment = path[i]!;
      const last = i === path.length - 1;
      if (isMap(node)) {
        let found = false;
        for (const pair of node.items) {
          const key = pair.key;
          if (isScalar(key) && String(key.value) === String(segment)) {
            found = true;
            const value = pair.value as Node | null;
            if ((last && options?.key === true) || value === null || value.range === undefined) best = key;
            else best = value;
            node = value;
            break;
          }
        }
        if (!found) break;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment] as Node | undefined;
        if (item === undefined) break;
        best = item;
        node = item;
      } else {
        break;
      }
    }
    const range = best?.range;
    if (range === undefined || range === null) return undefined;
    const position = lineCounter.linePos(range[0]);
    return { line: position.line, column: position.col };
  };
}
