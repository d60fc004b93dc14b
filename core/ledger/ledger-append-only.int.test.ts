import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../db/client.js';
import { billingLedger } from '../../db/schema/index.js';
import { createTestDatabase } from '../testing/test-database.js';
import { appendLedgerEntries, type LedgerEntry, ledgerBalance } from './ledger-entries.js';

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => handle?.close());

const paymentEntries = (paymentId: string, amountMinor: number): LedgerEntry[] => {
  const common = {
    userId: randomUUID(),
    currency: 'usd',
    provider: 'sandbox',
    referenceId: paymentId,
    paymentEventId: null,
    occurredAt: new Date('2026-11-01T12:00:00Z'),
  };
  return [
    { ...common, entryKey: `payment:sandbox:${paymentId}`, account: 'revenue', kind: 'payment', amountMinor },
    {
      ...common,
      entryKey: `vault:sandbox:${paymentId}`,
      account: 'vault',
      kind: 'vault_contribution',
      amountMinor: amountMinor / 10,
    },
  ];
};

const rowCount = async () => (await handle.db.select({ id: billingLedger.id }).from(billingLedger)).length;

/**
 * Asserts the database itself refused: the trigger's restrict_violation (SQLSTATE 23001),
 * whichever driver raised it (postgres.js or PGlite) and whether drizzle wrapped it.
 */
async function expectRefused(attempt: Promise<unknown>) {
  const error = await attempt.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, 'the statement was accepted').toBeInstanceOf(Error);
  const cause = ((error as Error).cause ?? error) as Error & { code?: string };
  expect(cause.code).toBe('23001');
  expect(cause.message).toMatch(/billing_ledger is append-only/);
}

describe('billing ledger', () => {
  it('appending the same entry keys again posts nothing twice', async () => {
    const entries = paymentEntries('sbx_pay_idempotent', 4900);
    expect(await appendLedgerEntries(handle.db, entries)).toBe(2);
    expect(await appendLedgerEntries(handle.db, entries)).toBe(0);
    // A retry that changed the amount under the same key is still refused: the first fact stands.
    expect(await appendLedgerEntries(handle.db, paymentEntries('sbx_pay_idempotent', 9900))).toBe(0);
    const rows = await handle.db
      .select()
      .from(billingLedger)
      .where(eq(billingLedger.entryKey, 'payment:sandbox:sbx_pay_idempotent'));
    expect(rows.map((row) => row.amountMinor)).toEqual([4900]);
    expect(await ledgerBalance(handle.db, 'revenue', 'usd')).toBe(4900);
    expect(await ledgerBalance(handle.db, 'vault', 'usd')).toBe(490);
  });

  it('a batch with one known key still posts the new ones, and zero amounts are skipped', async () => {
    const known = paymentEntries('sbx_pay_idempotent', 4900)[0]!;
    const fresh = paymentEntries('sbx_pay_fresh', 900)[0]!;
    const zero = { ...paymentEntries('sbx_pay_zero', 0)[0]! };
    expect(await appendLedgerEntries(handle.db, [known, fresh, zero])).toBe(1);
    const zeroRows = await handle.db
      .select()
      .from(billingLedger)
      .where(eq(billingLedger.entryKey, 'payment:sandbox:sbx_pay_zero'));
    expect(zeroRows).toEqual([]);
  });

  it('a fractional amount is refused before anything is written', async () => {
    const before = await rowCount();
    const entries = paymentEntries('sbx_pay_fraction', 4900);
    entries[1] = { ...entries[1]!, amountMinor: 490.5 };
    await expect(appendLedgerEntries(handle.db, entries)).rejects.toThrow(/integer/);
    expect(await rowCount()).toBe(before);
  });

  it('the database refuses UPDATE of a ledger row', async () => {
    await expect(
      handle.db
        .update(billingLedger)
        .set({ amountMinor: 1 })
        .where(eq(billingLedger.entryKey, 'payment:sandbox:sbx_pay_idempotent')),
    );
    await expectRefused(handle.exec(`update billing_ledger set amount_minor = amount_minor * 2`));
    expect(await ledgerBalance(handle.db, 'revenue', 'usd')).toBe(4900 + 900);
  });

  it('the database refuses DELETE of a ledger row', async () => {
    const before = await rowCount();
    await expectRefused(
      handle.db.delete(billingLedger).where(eq(billingLedger.entryKey, 'payment:sandbox:sbx_pay_idempotent')),
    );
    await expectRefused(handle.exec('delete from billing_ledger'));
    expect(await rowCount()).toBe(before);
  });

  it('the database refuses TRUNCATE of the ledger', async () => {
    const before = await rowCount();
    expect(before).toBeGreaterThan(0);
    await expectRefused(handle.exec('truncate billing_ledger'));
    await expectRefused(handle.db.execute(sql`truncate table billing_ledger restart identity cascade`));
    expect(await rowCount()).toBe(before);
  });
});
