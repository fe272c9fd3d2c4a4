/**
 * How a request that fails its route's zod schema is worded: `<where> must be <what>, got <value>
 * (<how to fix>)`, as sweep-file problems are (shared/schemas/spec-messages.ts), never zod's own
 * "Invalid input: expected number, received NaN". The field's schema is read for its bounds, so
 * `?limit=abc` and `?limit=0` both say "query parameter limit must be an integer between 1 and 1000".
 * A message a schema words itself (`a sweep id is s- and …`) is kept.
 */
import type { z } from 'zod';
import { closestMatch, describeValue } from '../../shared/schemas/spec-messages.js';

/** The part of a request an issue is in, as fastify names it (`validationContext`). */
export type RequestPart = 'querystring' | 'params' | 'body' | 'headers';

const PART_NAMES: Record<RequestPart, string> = { querystring: 'query parameter', params: 'path parameter', body: 'body field', headers: 'header' };

/** True for the request parts fastify validates (its `validationContext`). */
export function isRequestPart(part: string | undefined): part is RequestPart {
  return part !== undefined && Object.hasOwn(PART_NAMES, part);
}

/** A validation issue's JSON-pointer instance path as a dotted field path (`/a/0/b` → `a.0.b`). */
export function dottedPath(instancePath: string): string {
  return instancePath.replace(/^\//, '').replaceAll('/', '.');
}

/** One issue as fastify-type-provider-zod reports it: the zod issue's code, message and other fields. */
export interface RequestIssue {
  keyword: string;
  instancePath: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** zod's default wordings start like this; anything else was written by a schema and is kept. */
const ZOD_DEFAULT_MESSAGE = /^(Invalid input|Invalid option|Too small|Too big|Invalid string|Unrecognized key|Expected|Required)/;

/** What a schema needs, found through its optional/default/nullable wrappers. */
function innerSchema(schema: unknown): z.ZodType | undefined {
  let current = schema as { _zod?: { def: { type: string; innerType?: unknown } } } | undefined;
  for (let depth = 0; depth < 8 && current?._zod !== undefined; depth++) {
    const def = current._zod.def;
    if ((def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'prefault') && def.innerType !== undefined) {
      current = def.innerType as typeof current;
    } else {
      return current as unknown as z.ZodType;
    }
  }
  return undefined;
}

/** The schema of one field of an object schema, or undefined. */
function fieldSchema(partSchema: unknown, field: string): z.ZodType | undefined {
  const object = innerSchema(partSchema) as { shape?: Record<string, unknown> } | undefined;
  const shape = object?.shape;
  return shape !== undefined && Object.hasOwn(shape, field) ? innerSchema(shape[field]) : undefined;
}

/** "an integer between 1 and 1000", "a number ≥ 0", or undefined for a schema that is no number. */
function numberNeed(schema: z.ZodType | undefined): string | undefined {
  const number = schema as { _zod?: { def: { type: string } }; minValue?: number | null; maxValue?: number | null; isInt?: boolean } | undefined;
  if (number?._zod?.def.type !== 'number') return undefined;
  const kind = number.isInt === true ? 'an integer' : 'a number';
  const min = Number.isFinite(number.minValue) ? number.minValue! : undefined;
  const max = Number.isFinite(number.maxValue) ? number.maxValue! : undefined;
  if (min !== undefined && max !== undefined) return `${kind} between ${min} and ${max}`;
  if (min !== undefined) return `${kind} ≥ ${min}`;
  if (max !== undefined) return `${kind} ≤ ${max}`;
  return kind;
}

/** The accepted values of an enum schema, or undefined. */
function enumValues(schema: z.ZodType | undefined): string[] | undefined {
  const e = schema as { _zod?: { def: { type: string } }; options?: unknown[] } | undefined;
  return e?._zod?.def.type === 'enum' && Array.isArray(e.options) ? e.options.map(String) : undefined;
}

/**
 * The message of one issue of a request part.
 * @param partSchema the route's zod schema of that part (querystring, params, body).
 * @param values the part as the request carried it (raw strings for a query), to quote the value.
 */
export function requestIssueMessage(part: RequestPart, issue: RequestIssue, partSchema: unknown, values: unknown): string {
  const path = dottedPath(issue.instancePath);
  const field = path.split('.')[0] ?? '';
  const raw = field === '' ? values : (values as Record<string, unknown> | null | undefined)?.[field];
  const got = path === '' || raw === undefined ? '' : `, got ${describeValue(raw)}`;
  if (path === '') return wholePartMessage(part, issue, values);
  const where = `${PART_NAMES[part]} ${path}`;
  const own = issue.message ?? '';
  if (own !== '' && !ZOD_DEFAULT_MESSAGE.test(own)) return `${where}: ${own}${got}`;
  const schema = path.includes('.') ? undefined : fieldSchema(partSchema, field);
  const number = numberNeed(schema);
  if (number !== undefined) {
    const example = part === 'querystring' ? `, e.g. ?${field}=${exampleNumber(schema)}` : '';
    return `${where} must be ${number}${got} (write ${number.startsWith('an integer') ? 'a whole number' : 'a number'}${example})`;
  }
  const options = enumValues(schema) ?? (Array.isArray(issue.params?.values) ? (issue.params.values as unknown[]).map(String) : undefined);
  if (options !== undefined) {
    const suggestion = typeof raw === 'string' ? closestMatch(raw, options) : undefined;
    return `${where} must be one of ${options.join(', ')}${got}${suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`}`;
  }
  if (issue.keyword === 'too_small' && issue.params?.origin === 'string') return `${where} must not be empty${got} (give a value or leave the parameter out)`;
  if (issue.keyword === 'too_big' && issue.params?.origin === 'string')
    return `${where} is too long: at most ${String(issue.params.maximum)} characters (shorten it)`;
  if (issue.keyword === 'too_big' && issue.params?.origin === 'array') return `${where} is given too many times: at most ${String(issue.params.maximum)}`;
  if (issue.keyword === 'unrecognized_keys') return `${where}: unknown field (remove it or check the spelling)`;
  if (issue.keyword === 'invalid_type' && raw === undefined) return `${where} is required (add it)`;
  return `${where} is not valid${got}`;
}

/** The lowest accepted value of a number schema, for an example. */
function exampleNumber(schema: z.ZodType | undefined): number {
  const min = (schema as { minValue?: number | null } | undefined)?.minValue;
  return typeof min === 'number' && Number.isFinite(min) && min > 0 ? Math.ceil(min) : 10;
}

/** An issue about the part as a whole: a missing body, unknown keys, a body that is no object. */
function wholePartMessage(part: RequestPart, issue: RequestIssue, values: unknown): string {
  if (issue.keyword === 'unrecognized_keys') {
    const keys = Array.isArray(issue.params?.keys) ? (issue.params.keys as unknown[]).map(String) : [];
    return `unknown ${PART_NAMES[part]}${keys.length === 1 ? '' : 's'} ${keys.map((k) => JSON.stringify(k)).join(', ')} (remove ${keys.length === 1 ? 'it' : 'them'} or check the spelling)`;
  }
  if (part === 'body' && (values === undefined || values === null))
    return "the request has no body: send a JSON object (content-type: application/json), e.g. '{}'";
  if (part === 'body') return `the body must be a JSON object, got ${describeValue(values)} (send content-type: application/json and an object, e.g. '{}')`;
  const own = issue.message ?? '';
  return `invalid ${PART_NAMES[part]}s (${own === '' || ZOD_DEFAULT_MESSAGE.test(own) ? 'check the documented parameters' : own})`;
}
