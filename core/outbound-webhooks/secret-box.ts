import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { AppError } from '../errors.js';

/**
 * Endpoint signing secrets must be kept to sign, so they are encrypted at rest with
 * AES-256-GCM. The row id is the additional data: a ciphertext copied onto another row
 * does not decrypt there.
 */
const formatVersion = 'v1';

/** The 32-byte key: from WEBHOOK_SECRET_ENCRYPTION_KEY, else derived from the admin key (like link signing). */
export function deriveWebhookSecretKey(configuredKey: string | undefined, adminKey: string): Buffer {
  return createHmac('sha256', configuredKey ?? adminKey)
    .update('community-monetization/outbound-webhook-secrets/v1')
    .digest();
}

export function encryptSecret(key: Buffer, plaintext: string, rowId: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(rowId, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [formatVersion, iv, cipher.getAuthTag(), ciphertext]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
}

export function decryptSecret(key: Buffer, stored: string, rowId: string): string {
  const [version, iv, tag, ciphertext] = stored.split('.');
  if (version !== formatVersion || !iv || !tag || ciphertext === undefined)
    throw new AppError('webhook_secret_unreadable', 'The stored endpoint secret has an unknown format.');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(rowId, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch (error) {
    // A changed encryption key lands here: the endpoint needs a rotated secret.
    throw new AppError('webhook_secret_unreadable', 'The endpoint secret cannot be decrypted with the current key.', {
      cause: error,
    });
  }
}
