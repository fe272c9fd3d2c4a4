/**
 * Scores MLflow-style requests with one loaded pipeline: body + content type in, the JSON answer out.
 * Shared by `sweepq serve` (POST /invocations) and the scheduler's `POST /sweeps/:id/best/predict`,
 * which only translate HTTP. One request = one table = one call into the pipeline (batched).
 *
 * Content types (as MLflow's scoring server): `application/json` (see invocation-table.ts for the
 * shapes; `params.proba` asks for probabilities) and `text/csv` (a header row; read with the types of
 * training, exactly as `sweepq predict` reads a file). `charset` other than UTF-8 or any other content
 * type parameter is refused with 415, as MLflow does.
 */
import { InvalidInputError, SweepqError } from '../errors/index.js';
import { parseTable } from '../ml/dataset/read-table.js';
import type { Table } from '../ml/dataset/table.js';
import { argmaxRows } from '../ml/models/classifier.js';
import { Pipeline } from '../ml/pipeline.js';
import { tableFromInvocation, tooManyRows } from './invocation-table.js';
import { parseJsonBody, utf8Bytes } from './json-body.js';
import { scanSplitBody } from './split-body-scanner.js';
import { assertEveryRowPredicted } from './unpredicted-rows.js';
import { classFragments, labelsJson, probabilityRecordsJson, valuesJson, type ClassFragments } from './predictions-json.js';

export const JSON_CONTENT_TYPE = 'application/json';
export const CSV_CONTENT_TYPE = 'text/csv';
/** Content types a scoring request may have. */
export const SCORING_CONTENT_TYPES: readonly string[] = [JSON_CONTENT_TYPE, CSV_CONTENT_TYPE];

/** The `params` a JSON request may carry. */
export const SCORING_PARAMS = ['proba'] as const;

export interface ScoringLimits {
  /** Most rows one request may hold (413 past it). */
  maxRows: number;
}

export interface ScoringRequest {
  body: Uint8Array | string;
  /** The Content-Type header. */
  contentType: string | undefined;
  /** Probabilities asked for outside the body (the `?proba=true` query parameter). */
  proba?: boolean | undefined;
}

/** What the request is, before it is parsed. */
type BodyKind = 'json' | 'csv';

/**
 * Which parser a Content-Type selects.
 * @throws SweepqError UNSUPPORTED_MEDIA_TYPE (415).
 */
export function bodyKindOf(contentType: string | undefined): BodyKind {
  const [type = '', ...parameters] = (contentType ?? '').split(';').map((part) => part.trim());
  const mime = type.toLowerCase();
  for (const parameter of parameters) {
    const [name = '', value = ''] = parameter.split('=').map((part) => part.trim().toLowerCase());
    if (name === 'charset' && (value === 'utf-8' || value === 'utf8' || value === '"utf-8"')) continue;
    throw new SweepqError(
      'UNSUPPORTED_MEDIA_TYPE',
      name === 'charset'
        ? `the scoring server only reads UTF-8, got charset=${value}`
        : `unrecognized content type parameter "${name}": send Content-Type ${JSON_CONTENT_TYPE} or ${CSV_CONTENT_TYPE}`,
    );
  }
  if (mime === JSON_CONTENT_TYPE) return 'json';
  if (mime === CSV_CONTENT_TYPE) return 'csv';
  throw new SweepqError(
    'UNSUPPORTED_MEDIA_TYPE',
    `Content-Type must be ${JSON_CONTENT_TYPE} or ${CSV_CONTENT_TYPE}${mime === '' ? ' (none was sent)' : `, got ${mime}`}`,
  );
}

/**
 * `?proba=` as a boolean (`true`/`false`/`1`/`0`), undefined when absent.
 * @throws InvalidInputError INVALID_ARGUMENT for another value.
 */
export function parseProbaFlag(raw: unknown): boolean | undefined {
  if (raw === undefined) return undefined;
  if (raw === 'true' || raw === '1' || raw === '') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new InvalidInputError('INVALID_ARGUMENT', `proba must be true or false, got ${JSON.stringify(raw)}`, { location: { path: 'proba' } });
}

export class Scorer {
  readonly pipeline: Pipeline;
  private readonly fragments: ClassFragments;

  constructor(pipeline: Pipeline) {
    this.pipeline = pipeline;
    this.fragments = classFragments(pipeline.classes);
  }

  /**
   * A scorer for a stored artefact (the bytes of a pipeline JSON).
   * @throws InvalidInputError INVALID_ARTIFACT when the bytes are not a loadable pipeline.
   */
  static fromArtifact(bytes: Uint8Array, source = 'the artefact'): Scorer {
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as unknown;
    } catch (cause) {
      throw new InvalidInputError('INVALID_ARTIFACT', `${source} is not JSON`, { cause });
    }
    return new Scorer(Pipeline.fromJSON(json));
  }

  /**
   * The JSON answer to one request.
   * @throws SweepqError UNSUPPORTED_MEDIA_TYPE; InvalidInputError INVALID_ARGUMENT / INVALID_CSV naming
   *   the column (and row) at fault, PAYLOAD_TOO_LARGE past `limits.maxRows`.
   */
  score(request: ScoringRequest, limits: ScoringLimits): string {
    const kind = bodyKindOf(request.contentType);
    let proba = request.proba === true;
    let table: Table;
    if (kind === 'json') {
      const bytes = utf8Bytes(request.body);
      const columns = this.pipeline.inputColumns;
      const parsed = scanSplitBody(bytes, columns, limits.maxRows) ?? tableFromInvocation(parseJsonBody(bytes), columns, limits.maxRows);
      proba = this.probaParam(parsed.params) || proba;
      table = parsed.table;
    } else {
      table = parseTable(request.body, { ...this.pipeline.predictionReadOptions(), source: 'the CSV body' });
      if (table.nRows > limits.maxRows) throw tooManyRows(table.nRows, limits.maxRows);
      this.requireColumns(table);
    }
    return this.predict(table, proba);
  }

  private predict(table: Table, proba: boolean): string {
    const pipeline = this.pipeline;
    if (pipeline.task === 'regression') {
      if (proba)
        throw new InvalidInputError('INVALID_ARGUMENT', 'this model is a regressor: it predicts values, not probabilities (drop proba)', {
          location: { path: 'proba' },
        });
      const values = pipeline.predictValues(table);
      assertEveryRowPredicted(values, 1, 'the request');
      return valuesJson(values);
    }
    const probabilities = pipeline.predictProba(table);
    assertEveryRowPredicted(probabilities, pipeline.classes.length, 'the request');
    const predicted = argmaxRows(probabilities, pipeline.classes.length);
    return proba ? probabilityRecordsJson(probabilities, predicted, this.fragments) : labelsJson(predicted, this.fragments);
  }

  private probaParam(params: Record<string, unknown>): boolean {
    for (const name of Object.keys(params)) {
      if (!(SCORING_PARAMS as readonly string[]).includes(name)) {
        throw new InvalidInputError('INVALID_ARGUMENT', `unknown param "${name}": the params this model takes are ${SCORING_PARAMS.join(', ')}`, {
          location: { path: `params.${name}` },
        });
      }
    }
    const proba = params.proba;
    if (proba === undefined) return false;
    if (typeof proba !== 'boolean')
      throw new InvalidInputError('INVALID_ARGUMENT', `params.proba must be true or false, got ${JSON.stringify(proba)}`, {
        location: { path: 'params.proba' },
      });
    return proba;
  }

  private requireColumns(table: Table): void {
    const present = new Set(table.columns.map((c) => c.name));
    const missing = this.pipeline.inputColumns.filter((c) => !present.has(c.name)).map((c) => c.name);
    if (missing.length > 0) {
      throw new InvalidInputError('INVALID_CSV', `the CSV body lacks ${missing.length} column(s) the model was trained on: ${missing.join(', ')}`, {
        details: { missing },
      });
    }
  }
}
