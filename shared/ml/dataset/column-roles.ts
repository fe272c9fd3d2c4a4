/**
 * Applies a column spec to a file's header: which column is the target, which are dropped, which are
 * forced numeric or categorical. Shared by the CSV and Parquet readers, so both refuse the same specs
 * with the same messages.
 */
import { InvalidInputError } from '../../errors/index.js';
import { ColumnSpecSchema, type ColumnSpecInput } from '../../schemas/column-spec.schema.js';
import type { Task } from './table.js';

/** What a reader does with one column of the file. */
export type ColumnRole =
  | { readonly kind: 'skip' }
  | { readonly kind: 'feature'; readonly declared: 'numeric' | 'categorical' | null }
  | { readonly kind: 'target'; readonly declared: 'numeric' | null };

export interface RoleOptions {
  /** Target column name, or null for prediction input (features only). */
  target: string | null;
  task?: Task | undefined;
  columns?: ColumnSpecInput | undefined;
  /** Read only these feature columns (prediction input: the columns a model needs); others are skipped. */
  onlyColumns?: ReadonlySet<string> | undefined;
  /** File name for messages. */
  source: string;
  /**
   * Ignore spec entries naming columns the file lacks (prediction input: the model then names every
   * missing column itself). Default false: such a spec is an error.
   */
  lenientSpec?: boolean | undefined;
  /** Read every feature column as numeric (the numeric Dataset reader): a text cell is an error there. */
  numericFeatures?: boolean | undefined;
}

/**
 * One role per header column.
 * @throws InvalidInputError INVALID_SPEC for a spec naming unknown columns or a column twice,
 *   INVALID_CSV when the target is missing or no feature column remains.
 */
export function resolveColumnRoles(names: readonly string[], options: RoleOptions): ColumnRole[] {
  const parsed = ColumnSpecSchema.safeParse(options.columns ?? {});
  if (!parsed.success) {
    throw new InvalidInputError('INVALID_SPEC', `invalid column spec: ${parsed.error.issues[0]?.message ?? 'invalid'}`, { details: parsed.error.issues });
  }
  const spec = parsed.data;
  const where = options.source;
  const index = new Map<string, number>();
  for (let c = 0; c < names.length; c++) index.set(names[c]!, c);
  const available = (): string => names.map((n) => truncate(n)).join(', ');

  const assigned = new Map<string, string>();
  const lists: Array<[keyof typeof spec, readonly string[]]> = [
    ['drop', spec.drop],
    ['categorical', spec.categorical],
    ['numeric', spec.numeric],
  ];
  for (const [list, columnNames] of lists) {
    for (const name of columnNames) {
      if (!index.has(name) && options.lenientSpec === true) continue;
      if (!index.has(name)) {
        throw new InvalidInputError(
          'INVALID_SPEC',
          `${where}: columns.${list} names "${truncate(name)}", which is not a column of the file; available columns: ${available()}`,
          {
            location: { file: where, path: `columns.${list}` },
          },
        );
      }
      const previous = assigned.get(name);
      if (previous !== undefined) {
        throw new InvalidInputError('INVALID_SPEC', `column "${truncate(name)}" is listed in both columns.${previous} and columns.${list}; list it once`, {
          location: { path: `columns.${list}` },
        });
      }
      if (name === options.target) {
        throw new InvalidInputError(
          'INVALID_SPEC',
          `column "${truncate(name)}" is the target; remove it from columns.${list} (set task: regression or classification to choose how the target is read)`,
          {
            location: { path: `columns.${list}` },
          },
        );
      }
      assigned.set(name, list);
    }
  }

  let targetIndex = -1;
  if (options.target !== null) {
    const at = index.get(options.target);
    if (at === undefined) {
      throw new InvalidInputError('INVALID_CSV', `${where}: target column "${truncate(options.target)}" not found; available columns: ${available()}`, {
        location: { file: where, line: 1 },
      });
    }
    targetIndex = at;
  }
  const roles: ColumnRole[] = new Array<ColumnRole>(names.length);
  let features = 0;
  for (let c = 0; c < names.length; c++) {
    const name = names[c]!;
    const list = assigned.get(name);
    if (c === targetIndex) {
      roles[c] = { kind: 'target', declared: options.task === 'regression' ? 'numeric' : null };
    } else if (list === 'drop' || (options.onlyColumns !== undefined && !options.onlyColumns.has(name))) {
      roles[c] = { kind: 'skip' };
    } else {
      roles[c] = {
        kind: 'feature',
        declared: list === 'numeric' || options.numericFeatures === true ? 'numeric' : list === 'categorical' ? 'categorical' : null,
      };
      features++;
    }
  }
  if (features === 0 && options.onlyColumns !== undefined && options.onlyColumns.size > 0) {
    // Reading rows for a model: the file holds none of the model's columns (another dataset, most often).
    const expected = [...options.onlyColumns];
    throw new InvalidInputError(
      'INVALID_CSV',
      `${where}: none of the ${expected.length} column(s) the model was trained on is in this file (the model's: ${expected
        .slice(0, 20)
        .map((name) => truncate(name))
        .join(', ')}${expected.length > 20 ? ', …' : ''}; this file's: ${available()}); give a file with the training columns`,
      { location: { file: where, line: 1 } },
    );
  }
  if (features === 0) {
    throw new InvalidInputError('INVALID_CSV', `${where}: no feature columns to read (columns: ${available()}); keep at least one feature column`, {
      location: { file: where, line: 1 },
    });
  }
  return roles;
}

export function truncate(value: string, max = 40): string {
  return value.length <= max ? value : `${value.slice(0, max)}…`;
}
