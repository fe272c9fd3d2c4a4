/**
 * The dashboard's API client, typed from the server's own zod schemas (type-only imports: no zod in the
 * bundle). Every call is same-origin with the session cookie; state-changing calls carry the CSRF token
 * (the `sweepq_csrf` cookie, double submit). Errors keep the server's code, message and location so
 * views can show them where they belong (a filter error under its column).
 */
import type {
  ContourAnswer,
  FieldsAnswer,
  GroupsAnswer,
  HistoryAnswer,
  ImportanceAnswer,
  PredictAnswer,
  PredictForm,
  SampleAnswer,
  SweepListAnswer,
  TimelineAnswer,
} from '../../../../shared/schemas/dashboard.schema.js';
import type { ProgramRun } from '../../../../shared/schemas/program-run.schema.js';
import type { SweepStatus } from '../../../../shared/schemas/sweep-status.schema.js';
import type { TrialDiagnostics } from '../../../../shared/schemas/trial-diagnostics.schema.js';
import type { TrialRecord } from '../../../../shared/schemas/trial.schema.js';

export type {
  ContourAnswer,
  FieldsAnswer,
  GroupsAnswer,
  HistoryAnswer,
  ImportanceAnswer,
  PredictAnswer,
  PredictForm,
  ProgramRun,
  SampleAnswer,
  SweepListAnswer,
  SweepStatus,
  TimelineAnswer,
  TrialDiagnostics,
  TrialRecord,
};

export interface SessionInfo {
  role: 'read' | 'write' | 'program';
  via: 'bearer' | 'session' | 'loopback';
  csrfToken?: string;
}

export interface TrialPage {
  trials: TrialRecord[];
  total: number;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly location: { path?: string; column?: number } | undefined,
  ) {
    super(message);
  }
}

function csrfToken(): string {
  const match = /(?:^|;\s*)sweepq_csrf=([^;]*)/.exec(document.cookie);
  return match === null ? '' : decodeURIComponent(match[1]!);
}

export type Query = Record<string, string | number | undefined | null>;

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

async function request<T>(
  method: string,
  path: string,
  init: { query?: Query; body?: unknown; contentType?: string; bearer?: string; signal?: AbortSignal } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken();
  if (init.bearer !== undefined) headers.authorization = `Bearer ${init.bearer}`;
  let body: string | undefined;
  if (init.body !== undefined) {
    headers['content-type'] = init.contentType ?? 'application/json';
    body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
  }
  const response = await fetch(withQuery(path, init.query), {
    method,
    headers,
    body,
    credentials: 'same-origin',
    ...(init.signal === undefined ? {} : { signal: init.signal }),
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    const error = (parsed as { error?: { code?: string; message?: string; location?: { path?: string; column?: number } } } | null)?.error;
    throw new ApiError(response.status, error?.code ?? 'HTTP_ERROR', error?.message ?? `${method} ${path} answered ${response.status}`, error?.location);
  }
  return parsed as T;
}

const sweep = (id: string): string => `/sweeps/${encodeURIComponent(id)}`;
const trial = (id: string, trialId: string): string => `${sweep(id)}/trials/${encodeURIComponent(trialId)}`;

export const api = {
  session: () => request<SessionInfo>('GET', '/auth/session'),
  login: (token: string) => request<SessionInfo>('POST', '/auth/session', { bearer: token }),
  sweeps: (query: { search?: string; limit?: number; offset?: number }) => request<SweepListAnswer>('GET', '/dashboard/sweeps', { query }),
  status: (id: string) => request<SweepStatus>('GET', sweep(id)),
  trials: (id: string, query: { filter?: string; order_by?: string; limit: number; offset: number }, signal?: AbortSignal) =>
    request<TrialPage>('GET', `${sweep(id)}/trials`, { query, ...(signal === undefined ? {} : { signal }) }),
  fields: (id: string) => request<FieldsAnswer>('GET', `${sweep(id)}/fields`),
  groups: (id: string, by: string, filter?: string) => request<GroupsAnswer>('GET', `${sweep(id)}/groups`, { query: { by, filter } }),
  history: (id: string, filter?: string) => request<HistoryAnswer>('GET', `${sweep(id)}/charts/history`, { query: { filter } }),
  sample: (id: string, filter?: string, limit?: number) => request<SampleAnswer>('GET', `${sweep(id)}/charts/sample`, { query: { filter, limit } }),
  contour: (id: string, x: string, y: string, filter?: string) => request<ContourAnswer>('GET', `${sweep(id)}/charts/contour`, { query: { x, y, filter } }),
  importance: (id: string) => request<ImportanceAnswer>('GET', `${sweep(id)}/charts/importance`),
  timeline: (id: string, filter?: string) => request<TimelineAnswer>('GET', `${sweep(id)}/charts/timeline`, { query: { filter } }),
  trial: (id: string, trialId: string) => request<TrialRecord>('GET', trial(id, trialId)),
  diagnostics: (id: string, trialId: string) => request<TrialDiagnostics>('GET', `${trial(id, trialId)}/diagnostics`),
  programRun: (id: string, trialId: string) => request<ProgramRun>('GET', `${trial(id, trialId)}/program`),
  predictForm: (id: string, trialId: string) => request<PredictForm>('GET', `${trial(id, trialId)}/predict`),
  predict: (id: string, trialId: string, row: Record<string, string | number | null>) =>
    request<PredictAnswer>('POST', `${trial(id, trialId)}/predict`, { body: { row } }),
  cancel: (id: string) => request<SweepStatus>('POST', `${sweep(id)}/cancel`),
  retry: (id: string) => request<{ requeued: number }>('POST', `${sweep(id)}/retry`),
  extend: (id: string, yaml: string) => request<{ total: number }>('POST', `${sweep(id)}/trials`, { body: yaml, contentType: 'application/yaml' }),
  artifactUrl: (id: string, trialId: string) => `${trial(id, trialId)}/artifact`,
  csvUrl: (id: string, query: Query) => withQuery(`${sweep(id)}/trials.csv`, query),
  eventsUrl: (id: string) => `${sweep(id)}/events`,
};
