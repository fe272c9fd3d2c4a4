/**
 * SQL LIKE matching: `%` matches any run of characters (also none), `_` exactly one; a backslash
 * makes the next character literal (`\%`, `\_`, `\\`). LIKE is case-sensitive, ILIKE compares
 * lower-cased text. The pattern must match the whole value.
 *
 * Not a RegExp on purpose: `%a%a%a…b` compiled to a backtracking regex is exponential on long
 * values, and filters come from users. This is the classic wildcard walk that remembers only the
 * last `%`: O(text × pattern) at worst, linear for the usual 'prefix%' / '%infix%'.
 * `_` matches one UTF-16 code unit (one character except astral-plane symbols such as emoji).
 */
const LITERAL = 0;
const ANY_ONE = 1;
const ANY_RUN = 2;

export class LikeMatcher {
  private readonly kinds: Uint8Array;
  private readonly chars: string;
  private readonly ignoreCase: boolean;

  constructor(pattern: string, ignoreCase: boolean) {
    this.ignoreCase = ignoreCase;
    const source = ignoreCase ? pattern.toLowerCase() : pattern;
    const kinds: number[] = [];
    let chars = '';
    for (let i = 0; i < source.length; i++) {
      const c = source[i]!;
      if (c === '\\' && i + 1 < source.length) {
        kinds.push(LITERAL);
        chars += source[++i];
      } else if (c === '%') {
        // Consecutive '%' mean the same as one; collapsing them keeps the walk linear for '%%%%'.
        if (kinds[kinds.length - 1] !== ANY_RUN) {
          kinds.push(ANY_RUN);
          chars += c;
        }
      } else {
        kinds.push(c === '_' ? ANY_ONE : LITERAL);
        chars += c;
      }
    }
    this.kinds = Uint8Array.from(kinds);
    this.chars = chars;
  }

  matches(value: string): boolean {
    const text = this.ignoreCase ? value.toLowerCase() : value;
    const kinds = this.kinds;
    const chars = this.chars;
    const n = text.length;
    const m = kinds.length;
    let t = 0;
    let p = 0;
    let starP = -1;
    let starT = 0;
    while (t < n) {
      const kind = p < m ? kinds[p]! : -1;
      if (kind === ANY_ONE || (kind === LITERAL && chars.charCodeAt(p) === text.charCodeAt(t))) {
        t++;
        p++;
      } else if (kind === ANY_RUN) {
        starP = p++;
        starT = t;
      } else if (starP >= 0) {
        p = starP + 1;
        t = ++starT;
      } else {
        return false;
      }
    }
    while (p < m && kinds[p] === ANY_RUN) p++;
    return p === m;
  }
}
