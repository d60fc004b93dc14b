import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../db/client.js';
import { databaseDataError } from './database-errors.js';
import { createTestDatabase } from './testing/test-database.js';

/** What the driver throws (wrapped by drizzle) for a value the database refuses. */
describe('database data errors', () => {
  let database: DatabaseHandle;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.close());

  const failureOf = async (query: ReturnType<typeof sql>) => {
    try {
      await database.db.execute(query);
    } catch (error) {
      return error;
    }
    throw new Error('the query was expected to fail');
  };

  for (const [name, query, sqlState] of [
    ['a NUL in text', () => sql`select ${'a\u0000b'}::text`, '22021'],
    ['a NUL in jsonb', () => sql`select ${JSON.stringify({ reason: 'a\u0000b' })}::jsonb`, '22P05'],
    ['a lone surrogate in jsonb', () => sql`select ${JSON.stringify({ reason: '\ud800' })}::jsonb`, '22P02'],
    ['a malformed uuid', () => sql`select ${'not-a-uuid'}::uuid`, '22P02'],
    ['a number out of range', () => sql`select ${'99999999999'}::integer`, '22003'],
  ] as const) {
    it(`maps ${name} to a 400 unstorable_value that names no value`, async () => {
      const mapped = databaseDataError(await failureOf(query()));
      expect(mapped?.status).toBe(400);
      expect(mapped?.code).toBe('unstorable_value');
      expect(mapped?.context).toEqual({ sqlstate: sqlState });
      expect(mapped?.message).not.toContain('\u0000');
    });
  }

  it('leaves every other failure alone: constraint violations, server faults, plain errors', async () => {
    await database.exec('create temporary table unique_probe (value text unique)');
    await database.exec(`insert into unique_probe values ('one')`);
    expect(databaseDataError(await failureOf(sql`insert into unique_probe values ('one')`))).toBeUndefined();
    expect(databaseDataError(await failureOf(sql`select 1 / 0`))).toBeUndefined();
    expect(databaseDataError(await failureOf(sql`select * from no_such_table`))).toBeUndefined();
    expect(databaseDataError(new Error('boom'))).toBeUndefined();
    expect(databaseDataError(undefined)).toBeUndefined();
  });
});
