/**
 * A sweep submitted over HTTP (`POST /sweeps`, `POST /sweeps/:id/trials`): the body text → the raw
 * spec document the service validates at its own trust boundary. All of the syntax checks (size,
 * nesting, keys per mapping, duplicate keys, forbidden keys) and the schema of a submitted spec run
 * here, so a body the service would refuse is refused with line and column — and, in the scheduler,
 * off the event loop (sweep-parse-pool.ts runs this in a worker thread).
 */
import { InvalidInputError } from '../errors/index.js';
import { ResolvedSweepSpecSchema } from '../schemas/sweep-spec.schema.js';
import { isProgramSweepDocument, ProgramSweepSpecSchema } from '../schemas/program-spec.schema.js';
import { maxGeneratedCsvBytes } from './generated-dataset-size.js';
import { readSweepDocument, validateWithSchema, type SweepFileFormat } from './parse-sweep-file.js';

export interface SweepBodyLimits {
  /** SWEEPQ_BODY_LIMIT_BYTES: generated data is stored as a dataset, so its CSV must fit this. */
  datasetBodyLimitBytes: number;
}

/** What request bodies are called in error messages and locations. */
export const REQUEST_BODY_SOURCE = 'request body';

/**
 * Parses and checks a sweep body; returns the document value (not the schema's output: the service
 * parses the same value again).
 * @throws InvalidInputError INVALID_ARGUMENT (JSON syntax), INVALID_SPEC, LIMIT_EXCEEDED (sizes,
 *   including generated data whose CSV could exceed the dataset limit).
 */
export function parseSweepBody(text: string, format: SweepFileFormat, limits: SweepBodyLimits): unknown {
  if (format === 'json') {
    try {
      JSON.parse(text);
    } catch (error) {
      // Syntax errors stay INVALID_ARGUMENT, as with fastify's own JSON parser.
      const reason = error instanceof Error ? error.message.replace(/, ".*" is not valid JSON$/s, '').slice(0, 200) : 'invalid JSON';
      throw new InvalidInputError('INVALID_ARGUMENT', `the request body is not valid JSON: ${reason}`);
    }
  }
  const document = readSweepDocument(text, { source: REQUEST_BODY_SOURCE, format });
  if (isProgramSweepDocument(document.value)) {
    const program = validateWithSchema(ProgramSweepSpecSchema, document.value, REQUEST_BODY_SOURCE, document.locate);
    // A folder on the submitter's machine means nothing to the workers of a server.
    if (program.program.workdir !== undefined) {
      throw new InvalidInputError('INVALID_SPEC', `${REQUEST_BODY_SOURCE} at program.workdir: workdir is only for \`sweepq run\` on one machine; remove it`, {
        location: { file: REQUEST_BODY_SOURCE, path: 'program.workdir' },
      });
    }
    if (typeof program.program.bundle === 'string') {
      throw new InvalidInputError(
        'INVALID_SPEC',
        `${REQUEST_BODY_SOURCE} at program.bundle: the server cannot read a folder of your machine; upload it (\`sweepq submit\` in direct mode uploads bundles) and give {sha256: ...}`,
        { location: { file: REQUEST_BODY_SOURCE, path: 'program.bundle' } },
      );
    }
    return document.value;
  }
  const spec = validateWithSchema(ResolvedSweepSpecSchema, document.value, REQUEST_BODY_SOURCE, document.locate);
  const generated = spec.dataset.make_classification;
  if (generated !== undefined) {
    const bytes = maxGeneratedCsvBytes(generated, spec.dataset.target);
    if (bytes > limits.datasetBodyLimitBytes) {
      const position = document.locate(['dataset', 'make_classification']);
      throw new InvalidInputError(
        'LIMIT_EXCEEDED',
        `${REQUEST_BODY_SOURCE}${position === undefined ? '' : `:${position.line}:${position.column}`} at dataset.make_classification: the generated data can take up to ${bytes} bytes as CSV, more than the ${limits.datasetBodyLimitBytes}-byte dataset limit (SWEEPQ_BODY_LIMIT_BYTES); generate fewer rows or features`,
        {
          location: {
            file: REQUEST_BODY_SOURCE,
            path: 'dataset.make_classification',
            ...(position === undefined ? {} : { line: position.line, column: position.column }),
          },
        },
      );
    }
  }
  return document.value;
}
