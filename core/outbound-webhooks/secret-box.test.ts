import { describe, expect, it } from 'vitest';
import { decryptSecret, deriveWebhookSecretKey, encryptSecret } from './secret-box.js';

describe('secret box', () => {
  const key = deriveWebhookSecretKey(undefined, 'adm_test_0123456789abcdefghijklmnop');

  it('round-trips a secret and never stores it in the clear', () => {
    const stored = encryptSecret(key, 'whsec_c2VjcmV0', 'row-1');
    expect(stored).not.toContain('c2VjcmV0');
    expect(decryptSecret(key, stored, 'row-1')).toBe('whsec_c2VjcmV0');
  });

  it('a ciphertext moved to another row, or read with another key, is refused', () => {
    const stored = encryptSecret(key, 'whsec_c2VjcmV0', 'row-1');
    expect(() => decryptSecret(key, stored, 'row-2')).toThrow(
      expect.objectContaining({ code: 'webhook_secret_unreadable' }),
    );
    const otherKey = deriveWebhookSecretKey('another-configured-key-of-24-chars', 'unused');
    expect(() => decryptSecret(otherKey, stored, 'row-1')).toThrow(
      expect.objectContaining({ code: 'webhook_secret_unreadable' }),
    );
  });

  it('encrypting twice gives different ciphertexts (fresh nonce)', () => {
    expect(encryptSecret(key, 'whsec_x', 'row-1')).not.toBe(encryptSecret(key, 'whsec_x', 'row-1'));
  });
});
