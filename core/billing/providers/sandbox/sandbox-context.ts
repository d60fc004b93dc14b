import type { Database } from '../../../../db/client.js';
import type { Clock } from '../../../ports/clock.js';
import type { SandboxEventOutbox } from './sandbox-event-outbox.js';

/** What every sandbox operation needs: its state, its time, and its way of talking back. */
export interface SandboxContext {
  db: Database;
  clock: Clock;
  webhookSecret: string;
  /** The app's public origin, without a trailing slash; hosted pages live under it. */
  publicUrl: string;
  outbox: SandboxEventOutbox;
}
