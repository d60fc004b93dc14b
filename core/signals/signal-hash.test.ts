import { describe, expect, it } from 'vitest';
import { canonicalSignal, genesisHash, signalHash } from './signal-hash.js';

const fields = {
  sequence: 1,
  instrument: 'BTCUSDT',
  side: 'long' as const,
  entry: '64250.5',
  stop: '63000',
  targets: ['66000'],
  note: null,
  publishedAt: new Date('2026-11-01T12:00:00.000Z'),
};

describe('signal hash', () => {
  it('covers every field and the previous hash', () => {
    const base = signalHash(fields, genesisHash);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(signalHash({ ...fields, stop: '63001' }, genesisHash)).not.toBe(base);
    expect(signalHash({ ...fields, targets: ['66000', '1'] }, genesisHash)).not.toBe(base);
    expect(signalHash(fields, 'a'.repeat(64))).not.toBe(base);
    expect(signalHash({ ...fields }, genesisHash)).toBe(base);
  });

  it('serialises in a fixed, documented order', () => {
    expect(canonicalSignal(fields, genesisHash)).toBe(
      `["signal.v1",1,"BTCUSDT","long","64250.5","63000",["66000"],null,"2026-11-01T12:00:00.000Z","${genesisHash}"]`,
    );
  });
});
