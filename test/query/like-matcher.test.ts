import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../shared/ml/random/rng.js';
import { LikeMatcher } from '../../shared/query/like-matcher.js';

/** The textbook translation to a RegExp, as the reference (fine for the short values used here). */
function likeRegExp(pattern: string, ignoreCase: boolean): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) source += `\\u${pattern.charCodeAt(++i).toString(16).padStart(4, '0')}`;
    else if (c === '%') source += '[\\s\\S]*';
    else if (c === '_') source += '[\\s\\S]';
    else source += `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  }
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '');
}

describe('LikeMatcher', () => {
  const cases: Array<[string, string, boolean, boolean]> = [
    // pattern, value, ignoreCase, expected
    ['abc', 'abc', false, true],
    ['abc', 'abcd', false, false],
    ['', '', false, true],
    ['', 'a', false, false],
    ['%', '', false, true],
    ['%', 'anything', false, true],
    ['a%', 'abc', false, true],
    ['a%', 'bac', false, false],
    ['%c', 'abc', false, true],
    ['%b%', 'abc', false, true],
    ['%b%', 'ac', false, false],
    ['a%c', 'ac', false, true],
    ['a%c', 'abcbc', false, true],
    ['a%c', 'abcb', false, false],
    ['ab%bc', 'abc', false, false],
    ['ab%bc', 'abbc', false, true],
    ['a_c', 'abc', false, true],
    ['a_c', 'ac', false, false],
    ['_', 'é', false, true],
    ['___', 'ab', false, false],
    ['%a_b%', 'xxaxbxx', false, true],
    ['%max_depth=5,%', 'rf(max_depth=5,n=1)', false, true],
    ['%max_depth=5,%', 'rf(max_depth=50,n=1)', false, false],
    ['50\\%', '50%', false, true],
    ['50\\%', '500', false, false],
    ['a\\_b', 'a_b', false, true],
    ['a\\_b', 'axb', false, false],
    ['a\\\\b', 'a\\b', false, true],
    ['trailing\\', 'trailing\\', false, true],
    ['%%%', 'x', false, true],
    ['ABC', 'abc', false, false],
    ['ABC', 'abc', true, true],
    ['%É%', 'café', true, true],
    ['a.c', 'abc', false, false],
    ['(a)[b]*', '(a)[b]*', false, true],
  ];
  for (const [pattern, value, ignoreCase, expected] of cases) {
    it(`${ignoreCase ? 'ILIKE' : 'LIKE'} ${JSON.stringify(pattern)} on ${JSON.stringify(value)} is ${expected}`, () => {
      assert.equal(new LikeMatcher(pattern, ignoreCase).matches(value), expected);
      assert.equal(likeRegExp(pattern, ignoreCase).test(value), expected, 'reference');
    });
  }

  it('agrees with the RegExp reference on random patterns and values', () => {
    const rng = new Rng(11);
    const alphabet = ['a', 'b', 'A', '%', '_', '\\', '.', 'é'];
    for (let k = 0; k < 5000; k++) {
      const pattern = Array.from({ length: rng.nextInt(7) }, () => alphabet[rng.nextInt(alphabet.length)]!).join('');
      const value = Array.from({ length: rng.nextInt(8) }, () => alphabet[rng.nextInt(alphabet.length)]!).join('');
      const ignoreCase = rng.next() < 0.3;
      assert.equal(new LikeMatcher(pattern, ignoreCase).matches(value), likeRegExp(pattern, ignoreCase).test(value), `${pattern} / ${value} / ${ignoreCase}`);
    }
  });
});
