import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, createTestApp, type TestApp } from '../core/testing/test-core.js';

/**
 * A well-formed id that names no row is the caller's mistake: 404 with a stable code, never a
 * 500 from the foreign key that refused it. Found by web/request-fuzz.int.test.ts.
 */
describe('well-formed ids of nothing', () => {
  let harness: TestApp;
  beforeAll(async () => {
    harness = await createTestApp();
  });
  afterAll(async () => harness?.close());

  it('an admin creating an API key for a user who does not exist gets 404 user_not_found', async () => {
    const response = await harness.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: adminHeaders,
      payload: { user_id: randomUUID(), name: 'nobody' },
    });
    expect(response.statusCode, response.body).toBe(404);
    expect(response.json().error.code).toBe('user_not_found');
  });
});
