/**
 * A linear pre-scan of YAML (or JSON) text for a mapping with more than `limit` keys, run before the
 * `yaml` library composes the document. Composing is where the cost is: with duplicate-key checks
 * its time grows with the square of a mapping's size (4,000 keys 0.3 s, 16,000 keys 1.7 s, and a
 * 1 MiB body holds 100,000+), and even without them a megabyte of keys takes seconds. A sweep file's
 * largest mapping has a few dozen keys.
 *
 * The scan follows the structure cheaply — block mapping keys by their column, flow mappings
 * (`{…}`, JSON objects) by their commas — and skips quoted strings, comments and block scalars.
 * It is an estimate that errs high only on odd input (a plain multi-line scalar whose continuation
 * lines look like keys); the exact count is taken again on the composed document.
 */

/** Where the first over-full mapping's (limit + 1)-th key is, 1-based. */
export interface OversizedMapping {
  line: number;
  column: number;
  /** Keys counted when the limit was passed (limit + 1). */
  keys: number;
}

const SPACE = 32;
const TAB = 9;
const LF = 10;
const CR = 13;
const HASH = 35;
const DQUOTE = 34;
const SQUOTE = 39;
const BACKSLASH = 92;
const COLON = 58;
const DASH = 45;
const QUESTION = 63;
const COMMA = 44;
const LBRACE = 123;
const RBRACE = 125;
const LBRACKET = 91;
const RBRACKET = 93;
const PIPE = 124;
const GT = 62;
const DOT = 46;

/** Open flow collection: `{` (mapping: counts entries) or `[`. */
interface FlowFrame {
  map: boolean;
  entries: number;
  /** Something other than whitespace since the last `,` (or the opening bracket). */
  pending: boolean;
}

/** Open block mapping: the column of its keys and how many were seen. */
interface BlockFrame {
  indent: number;
  keys: number;
}

/**
 * The first mapping in `text` with more than `limit` keys, or undefined. Linear in the text length.
 */
export function findOversizedMapping(text: string, limit: number): OversizedMapping | undefined {
  const n = text.length;
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const flow: FlowFrame[] = [];
  const block: BlockFrame[] = [];
  /** Inside a block scalar (`|`, `>`), whose lines are those indented deeper than `blockScalarParent`. */
  let inBlockScalar = false;
  let blockScalarParent = 0;
  /** The last significant character on the current line (decides whether a quote opens a string). */
  let previous = -1;
  /** The line whose start was handled (indentation, markers, key): it is handled once. */
  let handledLine = -1;

  const at = (position: number, keys: number): OversizedMapping => ({ line, column: position - lineStart + 1, keys });

  /** Skips a quoted scalar starting at `i` (the quote); returns the index after the closing quote. */
  const skipQuoted = (start: number): number => {
    const quote = text.charCodeAt(start);
    let j = start + 1;
    while (j < n) {
      const ch = text.charCodeAt(j);
      if (ch === LF) {
        line++;
        lineStart = j + 1;
      } else if (quote === DQUOTE && ch === BACKSLASH) {
        j++;
      } else if (ch === quote) {
        if (quote === SQUOTE && text.charCodeAt(j + 1) === SQUOTE) j++;
        else return j + 1;
      }
      j++;
    }
    return n;
  };

  const skipToLineEnd = (start: number): number => {
    const end = text.indexOf('\n', start);
    return end < 0 ? n : end;
  };

  /** Counts one flow-mapping entry; undefined or the over-full position. */
  const closeFlowEntry = (frame: FlowFrame, position: number): OversizedMapping | undefined => {
    if (!frame.map || !frame.pending) return undefined;
    frame.pending = false;
    frame.entries++;
    return frame.entries > limit ? at(position, frame.entries) : undefined;
  };

  while (i < n) {
    // Start of a line in block context: indentation, block scalars, `- ` markers, a key.
    if (i === lineStart && handledLine !== lineStart && flow.length === 0) {
      handledLine = lineStart;
      let indent = 0;
      while (i + indent < n && text.charCodeAt(i + indent) === SPACE) indent++;
      const first = i + indent < n ? text.charCodeAt(i + indent) : LF;
      const blank = first === LF || first === CR;
      if (inBlockScalar) {
        if (blank || indent > blockScalarParent) {
          i = skipToLineEnd(i);
          continue;
        }
        inBlockScalar = false;
      }
      if (blank || first === HASH) {
        i = skipToLineEnd(i);
        continue;
      }
      // `---` / `...`: a new document starts afresh.
      if (indent === 0 && (first === DASH || first === DOT) && text.charCodeAt(i + 1) === first && text.charCodeAt(i + 2) === first) {
        block.length = 0;
        i = skipToLineEnd(i);
        continue;
      }
      let column = indent;
      let j = i + indent;
      let sawDash = false;
      // Sequence markers: every `- ` opens a new item, ending the mappings nested deeper than it.
      while (text.charCodeAt(j) === DASH && isBlankOrEnd(text.charCodeAt(j + 1))) {
        while (block.length > 0 && block[block.length - 1]!.indent > column) block.pop();
        sawDash = true;
        j++;
        column++;
        while (text.charCodeAt(j) === SPACE) {
          j++;
          column++;
        }
      }
      previous = sawDash ? DASH : -1;
      const keyEnd = blockKeyEnd(text, j);
      if (keyEnd >= 0) {
        while (block.length > 0 && block[block.length - 1]!.indent > column) block.pop();
        const top = block[block.length - 1];
        if (top !== undefined && top.indent === column) {
          top.keys++;
          if (top.keys > limit) return at(j, top.keys);
        } else {
          block.push({ indent: column, keys: 1 });
        }
        j = keyEnd + 1;
        previous = COLON;
        // A block scalar value: its lines are text, not keys.
        let k = j;
        while (text.charCodeAt(k) === SPACE) k++;
        const valueStart = text.charCodeAt(k);
        if ((valueStart === PIPE || valueStart === GT) && isBlockScalarHeader(text, k + 1)) {
          inBlockScalar = true;
          blockScalarParent = column;
          i = skipToLineEnd(k);
          continue;
        }
      } else if ((text.charCodeAt(j) === PIPE || text.charCodeAt(j) === GT) && isBlockScalarHeader(text, j + 1)) {
        // A block scalar as a sequence item (`- |`) or as the whole document.
        inBlockScalar = true;
        blockScalarParent = sawDash ? column - 2 : -1;
        i = skipToLineEnd(j);
        continue;
      }
      i = j;
      continue;
    }

    const ch = text.charCodeAt(i);
    if (ch === LF) {
      line++;
      i++;
      lineStart = i;
      previous = -1;
      continue;
    }
    if (ch === SPACE || ch === TAB || ch === CR) {
      i++;
      continue;
    }
    if (ch === HASH && (i === 0 || isSpace(text.charCodeAt(i - 1)))) {
      i = skipToLineEnd(i);
      continue;
    }
    const top = flow[flow.length - 1];
    if ((ch === DQUOTE || ch === SQUOTE) && opensQuoted(previous)) {
      if (top !== undefined) top.pending = true;
      i = skipQuoted(i);
      previous = ch;
      continue;
    }
    if ((ch === LBRACE || ch === LBRACKET) && opensQuoted(previous)) {
      if (top !== undefined) top.pending = true;
      flow.push({ map: ch === LBRACE, entries: 0, pending: false });
    } else if (ch === RBRACE || ch === RBRACKET) {
      if (top !== undefined) {
        const over = closeFlowEntry(top, i);
        if (over !== undefined) return over;
        flow.pop();
      }
    } else if (ch === COMMA && top !== undefined) {
      const over = closeFlowEntry(top, i);
      if (over !== undefined) return over;
    } else if (top !== undefined) {
      top.pending = true;
    }
    previous = ch;
    i++;
  }
  return undefined;
}

function isSpace(ch: number): boolean {
  return ch === SPACE || ch === TAB;
}

function isBlankOrEnd(ch: number): boolean {
  return ch === SPACE || ch === TAB || ch === LF || ch === CR || Number.isNaN(ch);
}

/** A quote (or a bracket) opens a quoted scalar (a flow collection) only where a node can start. */
function opensQuoted(previous: number): boolean {
  return (
    previous === -1 || previous === COLON || previous === DASH || previous === QUESTION || previous === COMMA || previous === LBRACE || previous === LBRACKET
  );
}

/** After `|` or `>`: only indicators (`-`, `+`, a digit), spaces and a comment may follow on the line. */
function isBlockScalarHeader(text: string, start: number): boolean {
  for (let j = start; j < text.length; j++) {
    const ch = text.charCodeAt(j);
    if (ch === LF || ch === CR) return true;
    if (ch === HASH) return j > start && isSpace(text.charCodeAt(j - 1));
    if (!(ch === SPACE || ch === TAB || ch === DASH || ch === 43 /* + */ || (ch >= 48 && ch <= 57))) return false;
  }
  return true;
}

/**
 * When a block mapping key starts at `start` (plain, quoted or `? ` explicit), the index of its `:`
 * (or of the `?`); else -1. A key ends at the first `:` followed by a blank; flow collections, comments
 * and the end of the line end the search.
 */
function blockKeyEnd(text: string, start: number): number {
  const first = text.charCodeAt(start);
  if (first === QUESTION && isBlankOrEnd(text.charCodeAt(start + 1))) return start;
  let j = start;
  if (first === DQUOTE || first === SQUOTE) {
    j++;
    while (j < text.length) {
      const ch = text.charCodeAt(j);
      if (ch === LF) return -1;
      if (first === DQUOTE && ch === BACKSLASH) j++;
      else if (ch === first) {
        if (first === SQUOTE && text.charCodeAt(j + 1) === SQUOTE) j++;
        else break;
      }
      j++;
    }
    j++;
    while (isSpace(text.charCodeAt(j))) j++;
    return text.charCodeAt(j) === COLON && isBlankOrEnd(text.charCodeAt(j + 1)) ? j : -1;
  }
  if (first === LBRACE || first === LBRACKET || first === HASH || first === PIPE || first === GT) return -1;
  for (; j < text.length; j++) {
    const ch = text.charCodeAt(j);
    if (ch === LF) return -1;
    if (ch === COLON && isBlankOrEnd(text.charCodeAt(j + 1))) return j;
    if (ch === HASH && j > start && isSpace(text.charCodeAt(j - 1))) return -1;
  }
  return -1;
}
