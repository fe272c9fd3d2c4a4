/**
 * The read model: a columnar snapshot (TrialTable) of each sweep's trials, kept in the API process and
 * fresh from the index by reading only what changed — trials created since the last look (their
 * definitions, once) and the completion log's new events (claims, results, re-queues, and data events:
 * tag changes, values logged through the MLflow API). Filters,
 * orderings, experiment-wide queries and later the dashboard's charts and group-by are answered here,
 * without scanning trial hashes on the Redis that renews job locks.
 *
 * Snapshots are bounded by total rows; the least recently used sweep's is dropped first and rebuilt
 * from the index on its next query.
 */
import { parseLogEvent } from '../index/completion-log.js';
import { parseTags, SweepRecords, type LogEvent, type MetricsIndex, type SweepRecord, type TrialDataUpdate } from '../index/index.js';
import { assertExecOk } from '../index/redis-results.js';
import { parseTrialHash } from '../index/trial-records.js';
import { queryTables, TrialTable, type FieldRef, type RankedTable, type SortDirection } from '../query/index.js';
import type { TrialRecord } from '../schemas/trial.schema.js';
import type { TrialQuery } from '../sweep/sweep-client.js';
import type { ParamLiteral } from '../schemas/spec-scalars.schema.js';

/** Trial definitions loaded per round trip. */
const LOAD_CHUNK = 2000;
/** Default bound on rows held across all snapshots (≈ 100 bytes a row per column). */
const DEFAULT_MAX_ROWS = 2_000_000;

interface Snapshot {
  table: TrialTable;
  /** Completion-log events applied so far. */
  logOffset: number;
  /** Trials [0, loaded) have their definitions in the table. */
  loaded: number;
  /** The refresh in flight, shared by concurrent queries. */
  refreshing: Promise<void> | null;
  /** The sweep's record as last read with this snapshot: `recordPageById` plans with it. */
  sweep: SweepRecord;
}

export interface ReadModelPage {
  refs: Array<{ sweepId: string; index: number }>;
  total: number;
}

/** A page of one sweep with each row's full record (its trial hash). */
export interface ReadModelRecordPage {
  records: TrialRecord[];
  total: number;
}

type PageQuery = TrialQuery & { limit: number; offset: number };

export class SweepReadModel {
  private readonly snapshots = new Map<string, Snapshot>();

  constructor(
    private readonly index: MetricsIndex,
    private readonly maxRows = DEFAULT_MAX_ROWS,
  ) {}

  /** The sweep's table, brought up to date with the index. */
  async table(sweep: SweepRecord): Promise<TrialTable> {
    let snapshot = this.snapshots.get(sweep.id);
    if (snapshot === undefined) {
      snapshot = {
        table: new TrialTable({ sweepId: sweep.id, initialCapacity: Math.max(64, sweep.created) }),
        logOffset: 0,
        loaded: 0,
        refreshing: null,
        sweep,
      };
      this.evictFor(sweep.total);
    } else {
      // Most recently used last: Map iteration order is the eviction order.
      this.snapshots.delete(sweep.id);
      snapshot.sweep = sweep;
    }
    this.snapshots.set(sweep.id, snapshot);
    const current = snapshot;
    if (current.refreshing === null) {
      current.refreshing = this.refresh(sweep.id, current).finally(() => {
        current.refreshing = null;
      });
    }
    await current.refreshing;
    return current.table;
  }

  /**
   * One page of trials across `sweeps` (one sweep, or an experiment's, oldest first). A metric order
   * key without a direction takes the metric's direction in the (newest) sweep; ties go to the lowest
   * trial index (then the older sweep).
   */
  async query(sweeps: readonly SweepRecord[], query: PageQuery): Promise<ReadModelPage> {
    const tables: TrialTable[] = [];
    for (const sweep of sweeps) tables.push(await this.table(sweep));
    return pick(sweeps, tables, query);
  }

  /**
   * One page of one sweep with its rows' records, usually in one round trip: the page is picked from
   * the snapshot as it stands (with the sweep record last read), and the pipeline that reads its rows'
   * trial hashes also reads the sweep record (with its created count) and the log's new events. News are applied at once and the page picked again with the fresh record; if that moved
   * the page, the rows not read yet take a second round trip. Anything less simple (no snapshot yet,
   * trials to load, another refresh in flight) reads the record, refreshes, then reads the page.
   * @returns null when the sweep does not exist (or is being deleted).
   */
  async recordPageById(sweepId: string, query: PageQuery): Promise<ReadModelRecordPage | null> {
    const snapshot = this.snapshots.get(sweepId);
    const first = snapshot === undefined || snapshot.refreshing !== null ? null : tryPick(snapshot, query);
    if (snapshot === undefined || first === null) {
      const sweep = await this.index.sweeps.get(sweepId);
      return sweep === null ? null : this.recordPageAfterRefresh(sweep, query);
    }
    this.snapshots.delete(sweepId);
    this.snapshots.set(sweepId, snapshot);
    const offset = snapshot.logOffset;
    const keys = this.index.keys;
    const pipeline = this.index.sweeps.queueGet(this.index.redis.pipeline(), sweepId).lrange(keys.log(sweepId), offset, -1);
    for (const ref of first.refs) pipeline.hgetall(keys.trial(sweepId, ref.index));
    const [values, texts, ...hashes] = assertExecOk(await pipeline.exec()) as [Array<string | null>, string[], ...Array<Record<string, string>>];
    const sweep = SweepRecords.fromReply(values);
    if (sweep === null) return null;
    // Someone else refreshed meanwhile, or trials were created (read before the log: their events may
    // need their definitions first).
    if (snapshot.logOffset !== offset || snapshot.refreshing !== null || sweep.created > snapshot.loaded) return this.recordPageAfterRefresh(sweep, query);
    const events = texts.map(parseLogEvent);
    // A trial created between the two reads: its definition first.
    if (events.some((event) => event.i >= snapshot.loaded)) return this.recordPageAfterRefresh(sweep, query);
    // Applied in this synchronous block, so no other refresh interleaves (see `refresh`).
    for (const event of events) applyEvent(snapshot.table, event);
    snapshot.logOffset += events.length;
    snapshot.sweep = sweep;
    // Picked again from the fresh record and table: microseconds with the query caches, and the record
    // decides what an order key without a direction means.
    const page = pick([sweep], [snapshot.table], query);
    const read = new Map<number, Record<string, string>>();
    for (let i = 0; i < first.refs.length; i++) read.set(first.refs[i]!.index, hashes[i]!);
    const missing: number[] = [];
    for (const ref of page.refs) if (!read.has(ref.index)) missing.push(ref.index);
    if (missing.length > 0) {
      const more = this.index.redis.pipeline();
      for (const index of missing) more.hgetall(keys.trial(sweepId, index));
      const results = assertExecOk(await more.exec()) as Array<Record<string, string>>;
      for (let i = 0; i < missing.length; i++) read.set(missing[i]!, results[i]!);
    }
    const records: TrialRecord[] = [];
    for (const ref of page.refs) {
      const hash = read.get(ref.index)!;
      if (hash.id) records.push(parseTrialHash(sweepId, hash));
    }
    return { records, total: page.total };
  }

  private async recordPageAfterRefresh(sweep: SweepRecord, query: PageQuery): Promise<ReadModelRecordPage> {
    const page = await this.query([sweep], query);
    const records = await this.index.trials.getMany(
      sweep.id,
      page.refs.map((ref) => ref.index),
    );
    return { records, total: page.total };
  }

  /** Drops a sweep's snapshot (deleted sweeps). */
  forget(sweepId: string): void {
    this.snapshots.delete(sweepId);
  }

  private async refresh(sweepId: string, snapshot: Snapshot): Promise<void> {
    // One round trip when nothing changed: the created cursor and the log's new events together.
    const redis = this.index.redis;
    const [created, texts] = assertExecOk(
      await redis.pipeline().hget(this.index.keys.sweep(sweepId), 'created').lrange(this.index.keys.log(sweepId), snapshot.logOffset, -1).exec(),
    ) as [string | null, string[]];
    // Definitions of trials created since the last look (written once, never changed).
    const createdCount = Number(created ?? 0);
    while (snapshot.loaded < createdCount) {
      const end = Math.min(createdCount, snapshot.loaded + LOAD_CHUNK);
      await this.loadDefinitions(sweepId, snapshot.table, snapshot.loaded, end);
      snapshot.loaded = end;
    }
    // Then everything that happened to them since.
    for (const text of texts) applyEvent(snapshot.table, parseLogEvent(text));
    snapshot.logOffset += texts.length;
  }

  private async loadDefinitions(sweepId: string, table: TrialTable, start: number, end: number): Promise<void> {
    const redis = this.index.redis;
    const pipeline = redis.pipeline();
    for (let i = start; i < end; i++) pipeline.hmget(this.index.keys.trial(sweepId, i), 'name', 'model', 'params', 'tags');
    const rows = assertExecOk(await pipeline.exec()) as Array<Array<string | null>>;
    for (let r = 0; r < rows.length; r++) {
      const [name, model, params, tags] = rows[r]!;
      if (name === null || name === undefined) continue;
      const index = start + r;
      // A trial whose log events were applied before its definition (a refresh racing creation) keeps its status.
      const status = table.statusOf(index) ?? 'queued';
      // Tags written later arrive as data events; these are the ones written before this load.
      table.upsert(index, {
        status,
        name,
        model: model === null || model === '' ? null : model,
        params: JSON.parse(params ?? '{}') as Record<string, ParamLiteral>,
        tags: parseTags(tags ?? undefined),
      });
    }
  }

  /** Drops least recently used snapshots until `incoming` more rows fit under the bound. */
  private evictFor(incoming: number): void {
    let rows = incoming;
    for (const s of this.snapshots.values()) rows += s.table.capacity;
    for (const [id, s] of this.snapshots) {
      if (rows <= this.maxRows) break;
      rows -= s.table.capacity;
      this.snapshots.delete(id);
    }
  }
}

/** The snapshot's page with its last sweep record, or null when that record refuses the query (the fresh one decides). */
function tryPick(snapshot: Snapshot, query: PageQuery): ReadModelPage | null {
  try {
    return pick([snapshot.sweep], [snapshot.table], query);
  } catch {
    return null;
  }
}

/**
 * One page across `sweeps` (one sweep, or an experiment's, oldest first) from their tables as they
 * stand. A metric order key without a direction takes the metric's direction in the (newest) sweep;
 * ties go to the lowest trial index (then the older sweep).
 */
function pick(sweeps: readonly SweepRecord[], tables: readonly TrialTable[], query: PageQuery): ReadModelPage {
  const ranked: RankedTable[] = [];
  for (let i = 0; i < tables.length; i++) ranked.push({ table: tables[i]!, sweepRank: i });
  const registry = sweeps[sweeps.length - 1]?.metrics;
  const orderBy = [...(query.orderBy ?? [])];
  if (query.sort !== undefined) {
    registry?.get(query.sort);
    orderBy.unshift(`metrics.${query.sort}`);
  }
  const result = queryTables(ranked, {
    ...(query.filter === undefined ? {} : { filter: query.filter }),
    ...(orderBy.length === 0 ? {} : { orderBy }),
    ...(query.status === undefined ? {} : { statuses: [query.status] }),
    offset: query.offset,
    limit: query.limit,
    defaultDirection: (field: FieldRef): SortDirection | undefined =>
      field.kind === 'metric' && registry?.has(field.key) === true ? (registry.goal(field.key) === 'maximize' ? 'DESC' : 'ASC') : undefined,
  });
  const refs: ReadModelPage['refs'] = [];
  for (let i = 0; i < result.rows.length; i++) refs.push({ sweepId: sweeps[result.tables[i]!]!.id, index: result.rows[i]! });
  return { refs, total: result.total };
}

/** Applies one completion-log event to a table. */
function applyEvent(table: TrialTable, event: LogEvent): void {
  const index = event.i;
  if (!table.has(index)) return;
  if (event.u !== undefined) {
    applyDataUpdate(table, index, event.u);
    return;
  }
  const status = event.s;
  switch (event.s) {
    case 'active':
      table.setStatus(index, status);
      table.setTimes(index, { startedAt: event.t, finishedAt: null, durationMs: null });
      return;
    case 'queued':
      table.setStatus(index, status);
      table.setTimes(index, { finishedAt: null, durationMs: null });
      return;
    case 'completed':
    case 'pruned':
    case 'failed':
    case 'cancelled':
    case 'quarantined': {
      const row = table.getRow(index);
      table.upsert(index, {
        status,
        name: row?.name ?? '',
        model: row?.model ?? null,
        params: (event.p as Record<string, ParamLiteral> | undefined) ?? row?.params ?? null,
        metrics: event.m ?? null,
        startedAt: row?.startedAt ?? null,
        finishedAt: event.t,
        durationMs: event.d ?? null,
        // User tags, plus the worker that finished it: the dashboard's timeline lanes (and `tags.worker` in filters).
        tags: event.w === undefined ? (row?.tags ?? null) : { ...(row?.tags ?? {}), worker: event.w },
      });
      return;
    }
  }
}

/** A data event: the parts it carries replace the row's (status and times are left as they are). */
function applyDataUpdate(table: TrialTable, index: number, update: TrialDataUpdate): void {
  const row = table.getRow(index);
  if (row === undefined) return;
  table.upsert(index, {
    ...row,
    ...(update.n === undefined ? {} : { name: update.n }),
    ...(update.p === undefined ? {} : { params: update.p as Record<string, ParamLiteral> }),
    ...(update.m === undefined ? {} : { metrics: update.m }),
    ...(update.g === undefined ? {} : { tags: update.g }),
  });
}
