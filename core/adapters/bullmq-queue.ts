import { Queue as BullQueue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Queue } from '../ports/queue.js';

/** Production queue on Redis. Job ids dedupe enqueues; handlers are idempotent anyway. */
export function createBullmqQueue(options: {
  url: string;
  prefix: string;
  logger: Logger;
  concurrency?: number;
}): Queue {
  const queueName = 'jobs';
  const connection = new Redis(options.url, { maxRetriesPerRequest: null });
  const queue = new BullQueue(queueName, { connection, prefix: options.prefix });
  let worker: Worker | undefined;
  let workerConnection: Redis | undefined;

  return {
    async enqueue(name, payload, enqueueOptions = {}) {
      await queue.add(name, payload, {
        jobId: enqueueOptions.jobId,
        delay: enqueueOptions.delayMs,
        // Retries belong to the database rows the jobs point at; BullMQ keeps no history, so
        // a finished job never blocks the same job id from being enqueued again by a sweeper.
        attempts: 1,
        removeOnComplete: true,
        removeOnFail: true,
      });
    },
    async startWorker(handlers) {
      workerConnection = new Redis(options.url, { maxRetriesPerRequest: null });
      worker = new Worker(
        queueName,
        async (job) => {
          const handler = handlers.get(job.name);
          if (!handler) throw new Error(`no handler for job ${job.name}`);
          await handler(job.data);
        },
        {
          connection: workerConnection,
          prefix: options.prefix,
          concurrency: options.concurrency ?? 8,
        },
      );
      worker.on('failed', (job, error) => options.logger.error({ err: error, job: job?.name }, 'job failed'));
      await worker.waitUntilReady();
    },
    async depth() {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      return Object.values(counts).reduce((sum, count) => sum + count, 0);
    },
    async idle() {
      for (;;) {
        const counts = await queue.getJobCounts('waiting', 'active', 'prioritized');
        if (Object.values(counts).every((count) => count === 0)) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async close() {
      await worker?.close();
      await queue.close();
      await Promise.all([connection.quit(), workerConnection?.quit()]);
    },
  };
}
