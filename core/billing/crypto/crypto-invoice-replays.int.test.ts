import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shuffled } from '../../../web/testing/stripe-lifecycle.js';
import type { CryptoInvoiceFact } from '../../ports/payment-provider.js';
import { createTestApp, type TestApp } from '../../testing/test-core.js';
import { cryptoTestShop } from './testing/crypto-test-shop.js';
import { installFakeCryptoProvider } from './testing/fake-crypto-provider.js';

type FactOf = Awaited<ReturnType<ReturnType<typeof cryptoTestShop>['checkout']>>['fact'];

interface Scenario {
  name: string;
  facts: (fact: FactOf) => CryptoInvoiceFact[];
  tier: string;
  sums: Record<string, number>;
}

const paid = { revenue: 4900, vault: 490 };
const scenarios: Scenario[] = [
  {
    name: 'open → processing → settled',
    facts: (fact) => [fact('open'), fact('processing'), fact('settled', [4900])],
    tier: 'pro',
    sums: paid,
  },
  {
    name: 'expired → settled late',
    facts: (fact) => [fact('expired'), fact('expired', [4900], { paidLate: true })],
    tier: 'pro',
    sums: paid,
  },
  {
    name: 'partial → expired',
    facts: (fact) => [fact('open', [2000]), fact('expired', [2000])],
    tier: 'free',
    sums: { crypto_balance: 2000 },
  },
  {
    name: 'partial expired → rest paid late',
    facts: (fact) => [fact('open', [2000]), fact('expired', [2000]), fact('expired', [2000, 2900], { paidLate: true })],
    tier: 'pro',
    sums: paid,
  },
  {
    name: 'over-payment',
    facts: (fact) => [fact('processing'), fact('settled', [6000])],
    tier: 'pro',
    sums: { ...paid, crypto_balance: 1100 },
  },
  {
    name: 'settled → marked invalid',
    facts: (fact) => [fact('settled', [4900]), fact('invalid', [4900], { manuallyMarked: true })],
    tier: 'free',
    sums: {},
  },
  {
    name: 'settled → refunded',
    facts: (fact) => [fact('open'), fact('settled', [4900]), fact('refunded', [4900])],
    tier: 'free',
    sums: {},
  },
  {
    name: 'never confirms',
    facts: (fact) => [fact('processing'), fact('invalid')],
    tier: 'free',
    sums: {},
  },
  {
    name: 'expired → marked settled',
    facts: (fact) => [fact('open'), fact('expired'), fact('settled', [], { manuallyMarked: true })],
    tier: 'pro',
    sums: paid,
  },
];

const nonZero = (sums: Record<string, number>) =>
  Object.fromEntries(Object.entries(sums).filter(([, amount]) => amount !== 0));

describe('crypto invoice facts replayed and shuffled', () => {
  let harness: TestApp;
  let btcpay: ReturnType<typeof installFakeCryptoProvider>;
  const shop = cryptoTestShop(() => harness);

  beforeAll(async () => {
    harness = await createTestApp();
    btcpay = installFakeCryptoProvider(harness);
  });
  afterAll(async () => harness?.close());

  for (const scenario of scenarios)
    it(`${scenario.name}: in order once, or every fact 5 times shuffled, ends the same, each amount recorded once`, async () => {
      const outcomes = [];
      for (const seed of [0, 11, 23]) {
        const { userId } = await shop.member();
        const { fact } = await shop.checkout(userId);
        const facts = scenario.facts(fact);
        const deliveries =
          seed === 0
            ? facts
            : shuffled(
                facts.flatMap((each) => [each, each, each, each, each]),
                seed,
              );
        for (const delivery of deliveries) await btcpay.ingest(delivery);
        await harness.drain();
        await shop.expectAllProcessed();
        const purchases = await shop.purchases(userId);
        outcomes.push({
          seed,
          access: (await shop.access(userId)).tier,
          sums: nonZero(await shop.ledgerSums(userId)),
          periods: purchases.filter((each) => each.amountRefundedMinor === 0).length,
        });
      }
      const expected = { access: scenario.tier, sums: scenario.sums, periods: scenario.tier === 'pro' ? 1 : 0 };
      expect(outcomes).toEqual([0, 11, 23].map((seed) => ({ seed, ...expected })));
    });
});
