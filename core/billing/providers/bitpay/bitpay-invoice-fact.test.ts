import { describe, expect, it } from 'vitest';
import { bitpayInvoiceSchema } from './bitpay-invoice.js';
import { bitpayInvoiceFact, toMinorUnits } from './bitpay-invoice-fact.js';
import { divideDown, plainDecimal } from './exact-decimal.js';
import { parseJsonExactNumbers } from './exact-json.js';

const invoice = (json: string) => bitpayInvoiceSchema.parse(parseJsonExactNumbers(json));

describe('exact decimal arithmetic', () => {
  it('writes exponent forms out in full and converts fiat to minor units without floats', () => {
    expect(plainDecimal('1.8e-7')).toBe('0.00000018');
    expect(plainDecimal('5.00005E4')).toBe('50000.5');
    expect(toMinorUnits('76.7', 2)).toBe(7670n);
    expect(toMinorUnits('0.29', 2)).toBe(29n); // 0.29 * 100 is 28.999999999999996 in floating point
    expect(toMinorUnits('500', 0)).toBe(500n);
    expect(divideDown(-7n, 2n)).toBe(-4n);
  });
});

describe('a payment without BitPay totals is valued at the quoted rate', () => {
  it('values 0.001 BTC at 50000.5 USD as 5000 cents, rounded down', () => {
    const fact = bitpayInvoiceFact(
      invoice(`{
        "id": "RateOnly1", "status": "confirmed", "price": 50, "currency": "USD", "invoiceTime": 1700000000000,
        "exceptionStatus": false, "amountPaid": 100000, "transactionCurrency": "BTC",
        "exchangeRates": { "BTC": { "USD": 5.00005e4 } },
        "transactions": [ { "amount": 100000, "confirmations": 2, "txid": "tx-1" } ]
      }`),
    );
    expect(fact).toMatchObject({ state: 'settled', priceMinor: 5000, settledMinor: 5000 });
    expect(fact.payments).toEqual([
      {
        providerPaymentId: 'tx-1',
        cryptoCode: 'BTC',
        cryptoAmount: '0.001',
        rate: '50000.5',
        fiatMinor: 5000,
        status: 'settled',
      },
    ]);
  });

  it('takes the transaction rate when the invoice quotes none, and counts only confirmed partial payments', () => {
    const fact = bitpayInvoiceFact(
      invoice(`{
        "id": "TxRate1", "status": "expired", "price": 10, "currency": "EUR", "invoiceTime": 1700000000000,
        "exceptionStatus": "paidPartial", "amountPaid": 300000000, "transactionCurrency": "LTC",
        "transactions": [
          { "amount": 100000000, "confirmations": 3, "txid": "confirmed", "exRates": { "EUR": 2.5 } },
          { "amount": 200000000, "confirmations": 0, "txid": "unconfirmed", "exRates": { "EUR": 2.5 } }
        ]
      }`),
    );
    expect(fact).toMatchObject({ state: 'expired', currency: 'eur', settledMinor: 250, pendingMinor: 500 });
  });
});
