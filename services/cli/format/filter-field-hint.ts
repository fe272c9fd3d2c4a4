/**
 * Why a filter matched nothing, when the reason is a name: a trial that lacks a field matches no
 * comparison (SQL NULL, as the README says), so `metrics.auc > 0.9` silently finds no trial where the
 * user meant `metrics.auc_roc`. This names the metric or param no trial has and the likely intended one.
 */
import type { FilterExpression } from '../../../shared/query/index.js';
import { parseFilter } from '../../../shared/query/index.js';
import type { TrialRecord } from '../../../shared/schemas/trial.schema.js';
import { closestMatch } from '../../../shared/schemas/spec-messages.js';

/**
 * A hint naming the metrics and params of `filter` that none of `trials` has, or undefined when
 * every name occurs (or no trial has reported metrics yet: then a missing metric says nothing).
 */
export function filterFieldHint(filter: string, trials: readonly TrialRecord[]): string | undefined {
  const expression = parseFilter(filter);
  if (expression === null) return undefined;
  const metrics = new Set<string>();
  const params = new Set<string>();
  for (const trial of trials) {
    for (const name of Object.keys(trial.params)) params.add(name);
    if (trial.metrics !== null) for (const name of Object.keys(trial.metrics)) metrics.add(name);
  }
  const hints: string[] = [];
  const named = new Set<string>();
  visit(expression, (kind, key) => {
    const known = kind === 'metric' ? metrics : params;
    const prefix = kind === 'metric' ? 'metrics' : 'params';
    if (known.has(key) || named.has(`${prefix}.${key}`) || (kind === 'metric' && metrics.size === 0)) return;
    named.add(`${prefix}.${key}`);
    const suggestion = closestMatch(key, [...known]);
    const choices = [...known].sort().join(', ');
    hints.push(
      `no trial has ${prefix}.${key}${suggestion === undefined ? '' : ` (did you mean ${prefix}.${suggestion}?)`}; ${kind === 'metric' ? 'metrics' : 'params'}: ${choices === '' ? 'none' : choices}`,
    );
  });
  return hints.length === 0 ? undefined : hints.join('\n');
}

function visit(expression: FilterExpression, onField: (kind: 'metric' | 'param', key: string) => void): void {
  switch (expression.type) {
    case 'and':
    case 'or':
      for (const operand of expression.operands) visit(operand, onField);
      return;
    case 'compare':
    case 'in':
    case 'null':
      if (expression.field.kind === 'metric' || expression.field.kind === 'param') onField(expression.field.kind, expression.field.key);
      return;
  }
}
