import type { Logger } from 'pino';
import type { EnqueueOptions, JobHandler, Queue } from '../ports/queue.js';

interface PendingJob {
  name: string;
  payload: unknown;
  jobId: string | undefined;
}

/**
 * The embedded queue: jobs run in this process, a few at a time. Losing them on a crash is
 * acceptable because the database remembers the work and sweepers enqueue it again.
 */
export function createInProcessQueue(options: { logger: Logger; concurrency?: number }): Queue {
  const concurrency = options.concurrency ?? 4;
  const waiting: PendingJob[] = [];
  const knownJobIds = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  let handlers: Map<string, JobHandler> | undefined;
  let running = 0;
  let closed = false;
  let idleWaiters: Array<() => void> = [];

  const notifyIfIdle = () => {
    if (running === 0 && waiting.length === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  };

  const pump = () => {
    if (!handlers || closed) return;
    while (running < concurrency && waiting.length > 0) {
      const job = waiting.shift()!;
      if (job.jobId) knownJobIds.delete(job.jobId);
      const handler = handlers.get(job.name);
      if (!handler) {
        options.logger.error({ job: job.name }, 'no handler for job');
        continue;
      }
      running += 1;
      handler(job.payload)
        .catch((error: unknown) => options.logger.error({ err: error, job: job.name }, 'job failed'))
        .finally(() => {
          running -= 1;
          pump();
          notifyIfIdle();
        });
    }
    notifyIfIdle();
  };

  return {
    async enqueue(name: string, payload: unknown, enqueueOptions: EnqueueOptions = {}) {
      if (closed) return;
      const { jobId, delayMs } = enqueueOptions;
      if (jobId) {
        if (knownJobIds.has(jobId)) return;
        knownJobIds.add(jobId);
      }
      const job = { name, payload, jobId };
      if (delayMs && delayMs > 0) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          waiting.push(job);
          pump();
        }, delayMs);
        timer.unref();
        timers.add(timer);
        return;
      }
      waiting.push(job);
      pump();
    },
    async startWorker(jobHandlers) {
      handlers = jobHandlers;
      pump();
    },
    async depth() {
      return waiting.length + running + timers.size;
    },
    idle() {
      if (running === 0 && waiting.length === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      waiting.length = 0;
      notifyIfIdle();
    },
  };
}
