/** The filter box: the query language typed in, applied on Enter, its error shown under the column it points at. */
import { useEffect, useState } from 'preact/hooks';

export interface FilterProblem {
  message: string;
  column?: number;
}

export function FilterBox({ value, onApply, problem }: { value: string; onApply: (text: string) => void; problem: FilterProblem | null }) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  return (
    <form
      class="filterbox"
      onSubmit={(e) => {
        e.preventDefault();
        onApply(text);
      }}
    >
      <div class="row" style="flex-wrap: nowrap; align-items: flex-start">
        <label for="filter" style="padding-top: 5px">
          Filter
        </label>
        <div style="flex: 1">
          <input
            id="filter"
            data-testid="filter-input"
            value={text}
            spellcheck={false}
            aria-invalid={problem !== null}
            aria-describedby="filter-error"
            placeholder="metrics.auc_roc > 0.9 AND (params.max_depth = 5 OR params.C < 1)"
            onInput={(e) => setText((e.target as HTMLInputElement).value)}
          />
          {/* Under the input, in its font: the caret points at the column the server named. */}
          <div class="caret" aria-hidden="true" data-testid="filter-caret" style="padding-left: 9px">
            {problem?.column !== undefined ? `${' '.repeat(Math.max(0, problem.column - 1))}^` : ''}
          </div>
        </div>
        <button type="submit">Apply</button>
      </div>
      <div id="filter-error" class="error" role="alert" data-testid="filter-error">
        {problem?.message ?? ''}
      </div>
    </form>
  );
}
