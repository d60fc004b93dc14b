import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

/**
 * A new, empty (unmigrated) database on the server TEST_DATABASE_URL names, for tests that
 * must see what a fresh deployment sees; `drop` removes it.
 */
export async function createEmptyServerDatabase(
  serverUrl: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}
