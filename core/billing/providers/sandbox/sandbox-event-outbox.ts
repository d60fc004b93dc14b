import type { Database, Transaction } from '../../../../db/client.js';
import { AppError } from '../../../errors.js';
import type { Clock } from '../../../ports/clock.js';
import { toUnixSeconds } from './sandbox-billing-period.js';
import { buildSandboxEventBody, type SandboxEventType } from './sandbox-events.js';
import { randomSandboxId } from './sandbox-ids.js';
import { sandboxSignatureHeader, signSandboxPayload } from './sandbox-signature.js';
import { insertSandboxObject, mergeSandboxData, readSandboxObject } from './sandbox-store.js';

/** Sends one signed webhook to the app's inbox; throws when the inbox did not accept it. */
export type SandboxDeliver = (rawBody: string, headers: Record<string, string>) => Promise<void>;

/** Records a webhook the current state change owes; returns its event id. */
export type EmitSandboxEvent = (type: SandboxEventType, object: Record<string, unknown>) => Promise<string>;

export interface SandboxEventOutbox {
  /**
   * Runs `work` in one transaction. The events it emits are stored in that same transaction
   * (so a state change never commits without its webhooks, nor the reverse), then delivered
   * in order after the commit.
   */
  run<Result>(
    work: (transaction: Transaction, emit: EmitSandboxEvent) => Promise<Result>,
  ): Promise<{ result: Result; eventIds: string[] }>;
  /** Sends a stored event again, freshly signed, the way a provider retries. */
  redeliver(eventId: string): Promise<string[]>;
}

interface PendingEvent {
  id: string;
  body: string;
}

export function createSandboxEventOutbox(options: {
  db: Database;
  clock: Clock;
  webhookSecret: string;
  deliver: SandboxDeliver;
}): SandboxEventOutbox {
  const { db, clock, webhookSecret, deliver } = options;

  async function deliverInOrder(events: PendingEvent[]): Promise<void> {
    for (const [index, event] of events.entries()) {
      // Signed at send time, so a redelivery is not rejected as stale.
      const header = signSandboxPayload(event.body, webhookSecret, toUnixSeconds(clock.now()));
      try {
        await deliver(event.body, { 'content-type': 'application/json', [sandboxSignatureHeader]: header });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        await mergeSandboxData(db, 'event', event.id, { last_delivery_error: message }, clock.now());
        // Later events wait: delivering them past a failed one would reorder the stream.
        throw new AppError('sandbox_delivery_failed', `The sandbox could not deliver event ${event.id}.`, {
          status: 502,
          retryable: true,
          context: { eventId: event.id, undeliveredEventIds: events.slice(index).map((pending) => pending.id) },
          cause: error,
        });
      }
      const now = clock.now();
      await mergeSandboxData(
        db,
        'event',
        event.id,
        { delivered_at: toUnixSeconds(now), last_delivery_error: null },
        now,
      );
    }
  }

  return {
    async run(work) {
      const pending: PendingEvent[] = [];
      const result = await db.transaction(async (transaction) => {
        const emit: EmitSandboxEvent = async (type, object) => {
          const now = clock.now();
          const id = randomSandboxId('event');
          const created = toUnixSeconds(now);
          const body = buildSandboxEventBody(id, type, created, object);
          await insertSandboxObject(
            transaction,
            'event',
            id,
            { type, body, created, delivered_at: null, last_delivery_error: null },
            now,
          );
          pending.push({ id, body });
          return id;
        };
        return work(transaction, emit);
      });
      await deliverInOrder(pending);
      return { result, eventIds: pending.map((event) => event.id) };
    },

    async redeliver(eventId) {
      const event = await readSandboxObject(db, 'event', eventId);
      if (!event)
        throw new AppError('sandbox_event_not_found', `Sandbox event ${eventId} does not exist.`, {
          status: 404,
          context: { eventId },
        });
      await deliverInOrder([{ id: event.id, body: event.data.body }]);
      return [event.id];
    },
  };
}
