import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * `ck_<prefix>_<secret>`: 8 hex characters to find the row (and to recognise the key in a
 * list), then 32 base64url characters (192 random bits) that only the member ever sees.
 */
const keyPattern = /^ck_([0-9a-f]{8})_([A-Za-z0-9_-]{32})$/;

export const apiKeyMarker = 'ck_';

export function generateApiKey(): { key: string; prefix: string; secretHash: string } {
  const prefix = randomBytes(4).toString('hex');
  const key = `${apiKeyMarker}${prefix}_${randomBytes(24).toString('base64url')}`;
  return { key, prefix, secretHash: hashApiKey(key) };
}

export const hashApiKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

/** The prefix of a well-formed key, or undefined (anything else is refused before any lookup). */
export function apiKeyPrefix(presented: string): string | undefined {
  return keyPattern.exec(presented)?.[1];
}

/** Compares the presented key's hash with the stored one in constant time. */
export function apiKeyMatches(presented: string, storedHash: string): boolean {
  const presentedHash = Buffer.from(hashApiKey(presented), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return stored.length === presentedHash.length && timingSafeEqual(presentedHash, stored);
}

/** What lists and replies show instead of the key. */
export const maskedApiKey = (prefix: string) => `${apiKeyMarker}${prefix}_…`;
