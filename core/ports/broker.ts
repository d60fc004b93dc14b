/**
 * Where an autotrade account's orders go. The paper broker (core/autotrade/paper-broker.ts)
 * simulates fills against the price feed; live execution at a real broker is a later issue
 * and will implement this same port, so the autotrade service never knows which it talks to.
 */
export interface OrderRequest {
  accountId: string;
  userId: string;
  /** One order per (account, signal): placing it again returns the existing order. */
  signalId: string;
  instrument: string;
  side: 'long' | 'short';
  /** Decimal strings. The entry is a limit; the stop and targets are attached exits. */
  entry: string;
  stop: string;
  targets: string[];
  notionalMinor: number;
  currency: string;
  /** An entry not filled by then is dropped. */
  expiresAt: Date;
}

export type OrderStatus = 'pending' | 'open' | 'closed' | 'expired' | 'canceled';

export interface BrokerPosition {
  id: string;
  signalId: string;
  instrument: string;
  side: 'long' | 'short';
  status: OrderStatus;
  closeReason: string | null;
  entry: string;
  stop: string;
  targets: string[];
  targetsHit: number;
  quantity: string;
  remainingQuantity: string;
  notionalMinor: number;
  currency: string;
  realisedPnlMinor: number;
  /** Marked to `lastPrice`; zero unless open. */
  unrealisedPnlMinor: number;
  lastPrice: string | null;
  openedAt: Date | null;
  closedAt: Date | null;
  createdAt: Date;
}

export interface Broker {
  /** Places the order; `created` is false when this (account, signal) already had one. */
  placeOrder(order: OrderRequest): Promise<{ position: BrokerPosition; created: boolean }>;
  /** Cancels an entry that has not filled; open positions keep their stop and targets. */
  cancelPendingOrders(accountId: string): Promise<number>;
  /** The account's positions, newest first: `active` only pending and open ones. */
  positions(accountId: string, options?: { active?: boolean; limit?: number }): Promise<BrokerPosition[]>;
}
