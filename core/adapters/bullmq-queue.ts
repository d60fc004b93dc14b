import { Queue as BullQueue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { EnqueueOptions, Queue } from '../ports/queue.js';
import { commandTimedOut, type RedisAvailability, trackRedisAvailability } from './redis-availability.js';

/** How long an enqueue may wait for Redis: request paths await it after their commit. */
export const enqueueBoundMs = 1_000;

/**
 * Nudges held while Redis is away, sent when it answers again. Bounded: past it the oldest
 * are dropped and left to the sweepers, which find the rows those nudges pointed at.
 */
const maxHeldNudges = 10_000;

interface HeldNudge {
  name: string;
  payload: unknown;
  options: EnqueueOptions;
  heldAtMs: number;
}

const reconnectQuickly = (attempt: number) => Math.min(attempt * 100, 1_000);

function withinBound<T>(work: Promise<T>, boundMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(commandTimedOut()), boundMs);
  });
  return Promise.race([work, bound]).finally(() => clearTimeout(timer));
}

/** Production queue on Redis. Job ids dedupe enqueues; handlers are idempotent anyway. */
export function createBullmqQueue(options: {
  url: string;
  prefix: string;
  logger: Logger;
  concurrency?: number;
}): Queue {
  const queueName = 'jobs';
  // The producer fails fast (BullMQ's advice for queues fed from HTTP handlers); only the
  // worker's blocking connection waits for Redis, as BullMQ requires.
  const connection = new Redis(options.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: enqueueBoundMs,
    retryStrategy: reconnectQuickly,
  });
  const held: HeldNudge[] = [];
  let droppedNudges = 0;
  let sending = false;
  const availability = trackRedisAvailability(connection, {
    what: 'queue',
    logger: options.logger,
    onRecovered: () => void sendHeld(),
  });
  const queue = new BullQueue(queueName, { connection, prefix: options.prefix });
  queue.on('error', () => {
    // The connection's availability reports outages, once each.
  });
  let worker: Worker | undefined;
  let workerConnection: Redis | undefined;
  let workerAvailability: RedisAvailability | undefined;

  const add = (nudge: HeldNudge) =>
    queue.add(nudge.name, nudge.payload, {
      jobId: nudge.options.jobId,
      // A held retry keeps its original due time.
      delay: nudge.options.delayMs ? Math.max(0, nudge.options.delayMs - (Date.now() - nudge.heldAtMs)) : undefined,
      // Retries belong to the database rows the jobs point at; BullMQ keeps no history, so
      // a finished job never blocks the same job id from being enqueued again by a sweeper.
      attempts: 1,
      removeOnComplete: true,
      removeOnFail: true,
    });

  const sent = (nudge: HeldNudge) =>
    availability.attempt(
      () => withinBound(add(nudge), enqueueBoundMs).then(() => true),
      () => false,
    );

  let retryTimer: NodeJS.Timeout | undefined;
  // Recovery sends them at once; this retry covers a nudge that only timed out (Redis was slow,
  // never down, so no recovery comes). Cheap while Redis is away: attempts fail without a call.
  function retryHeldSoon() {
    if (retryTimer || held.length === 0) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void sendHeld().finally(retryHeldSoon);
    }, enqueueBoundMs);
    retryTimer.unref();
  }

  function hold(nudge: HeldNudge) {
    held.push(nudge);
    if (held.length > maxHeldNudges) {
      held.shift();
      droppedNudges += 1;
    }
    retryHeldSoon();
  }

  async function sendHeld() {
    if (sending) return;
    sending = true;
    try {
      const count = held.length;
      while (held.length > 0) {
        if (!(await sent(held[0]!))) return;
        held.shift();
      }
      if (count > 0 || droppedNudges > 0)
        options.logger.info({ sent: count, dropped: droppedNudges }, 'queue: nudges held during the outage were sent');
      droppedNudges = 0;
    } finally {
      sending = false;
    }
  }

  return {
    async enqueue(name, payload, enqueueOptions = {}) {
      const nudge = { name, payload, options: enqueueOptions, heldAtMs: Date.now() };
      if (!(await sent(nudge))) hold(nudge);
    },
    async startWorker(handlers) {
      workerConnection = new Redis(options.url, { maxRetriesPerRequest: null, retryStrategy: reconnectQuickly });
      workerAvailability = trackRedisAvailability(workerConnection, { what: 'queue worker', logger: options.logger });
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
      worker.on('error', () => {
        // Connection trouble: the worker connection's availability reports it, once per outage.
      });
      await worker.waitUntilReady();
    },
    async depth() {
      // Unknown while Redis is away: NaN says so on /metrics, which must keep answering.
      return availability.attempt(
        async () => {
          const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
          return Object.values(counts).reduce((sum, count) => sum + count, 0) + held.length;
        },
        () => Number.NaN,
      );
    },
    async idle() {
      for (;;) {
        const idle = await availability.attempt(
          async () => {
            const counts = await queue.getJobCounts('waiting', 'active', 'prioritized');
            return held.length === 0 && Object.values(counts).every((count) => count === 0);
          },
          () => false,
        );
        if (idle) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    ping: () => availability.probe(),
    async close() {
      clearTimeout(retryTimer);
      availability.closing();
      workerAvailability?.closing();
      await worker?.close();
      await queue.close();
      await Promise.all([connection.quit(), workerConnection?.quit()]);
    },
  };
}
