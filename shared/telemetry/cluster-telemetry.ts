/**
 * The monitoring side of a scheduler: readings of the installation from Redis (cluster-snapshot.ts),
 * rendered for Prometheus (prometheus-exporter.ts) and for KEDA (queue-demand.ts). One instance per
 * scheduler process; it owns a BullMQ Queue handle on the index's connection (for the job counts).
 */
import type { Config } from '../config/config.js';
import type { MetricsIndex } from '../index/index.js';
import type { Logger } from '../logger/logger.js';
import { TrialQueue } from '../queue/index.js';
import type { QueueMetrics } from '../schemas/queue-metrics.schema.js';
import { ClusterSnapshotReader, type ClusterSnapshot } from './cluster-snapshot.js';
import { PrometheusExporter, type PrometheusExporterOptions } from './prometheus-exporter.js';
import { queueMetrics } from './queue-demand.js';

export interface ClusterTelemetryOptions extends PrometheusExporterOptions {
  index: MetricsIndex;
  config: Pick<Config, 'redis' | 'queue'>;
  logger?: Logger | undefined;
  /** A reading younger than this is reused. Default 1000 ms. */
  minIntervalMs?: number;
}

export class ClusterTelemetry {
  private readonly queue: TrialQueue;
  private readonly exporter: PrometheusExporter;
  private readonly reader: ClusterSnapshotReader;

  constructor(options: ClusterTelemetryOptions) {
    this.queue = new TrialQueue(options.index.redis, options.config.redis.prefix, options.config.queue);
    this.exporter = new PrometheusExporter(options);
    this.reader = new ClusterSnapshotReader({
      index: options.index,
      queue: this.queue,
      onLogEvent: (event) => this.exporter.observe(event),
      minIntervalMs: options.minIntervalMs,
      logger: options.logger,
    });
  }

  /** The Content-Type of {@link prometheusText}. */
  get prometheusContentType(): string {
    return this.exporter.contentType;
  }

  /** A reading of Redis (shared between concurrent callers, reused for a second). Rejects when Redis does not answer. */
  snapshot(): Promise<ClusterSnapshot> {
    return this.reader.read();
  }

  /** Prometheus exposition text; `undefined` when Redis could not be read (`sweepq_redis_up 0`). */
  prometheusText(snapshot: ClusterSnapshot | undefined): Promise<string> {
    return this.exporter.render(snapshot);
  }

  /** The `/metrics/queue` answer. */
  queueMetrics(snapshot: ClusterSnapshot): QueueMetrics {
    return queueMetrics(snapshot);
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
