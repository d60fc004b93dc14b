/**
 * A nudge to do work, never the record of it: the database holds what must happen, and
 * sweepers re-enqueue anything a lost job dropped. Handlers must therefore be idempotent.
 */
export interface EnqueueOptions {
  /** Same jobId while a job is waiting: the second enqueue is a no-op. */
  jobId?: string;
  delayMs?: number;
}

export type JobHandler = (payload: unknown) => Promise<void>;

export interface Queue {
  /**
   * Settles within a short bound and never waits for a broker to come back: request paths
   * await it after their change is durable. A nudge the broker cannot take is held in the
   * process and sent when it returns (or found later by a sweeper).
   */
  enqueue(name: string, payload: unknown, options?: EnqueueOptions): Promise<void>;
  /** Starts consuming jobs with the given handlers (only in processes that run workers). */
  startWorker(handlers: Map<string, JobHandler>): Promise<void>;
  /** Jobs waiting or running, for /metrics. */
  depth(): Promise<number>;
  /** Resolves when nothing is ready or running; delayed jobs do not count (tests drain with this). */
  idle(): Promise<void>;
  /** One bounded round trip to the broker, for /readyz; absent for the in-process queue. */
  ping?(): Promise<void>;
  close(): Promise<void>;
}
