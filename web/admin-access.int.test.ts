import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, createTestApp, type TestApp } from '../core/testing/test-core.js';
import { auditLog } from '../db/schema/index.js';

const vipRole = {
  kind: 'discord_role',
  scope_id: '900000000000000001',
  resource_id: '910000000000000004',
  label: 'VIP',
};

describe('admin plan access resources', () => {
  let harness: TestApp;
  beforeAll(async () => {
    harness = await createTestApp();
  });
  afterAll(async () => harness?.close());

  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: Record<string, unknown>) =>
    harness.app.inject({ method, url, headers: adminHeaders, ...(payload ? { payload } : {}) });

  it('a moderator adds, lists and removes the resources of a plan, and every change is audited', async () => {
    const added = await call('POST', '/admin/plans/vip/access', vipRole);
    expect(added.statusCode, added.body).toBe(201);
    const row = added.json<{ id: string }>();
    expect(row).toMatchObject({ plan_id: 'vip', ...vipRole });

    const chat = await call('POST', '/admin/plans/vip/access', {
      kind: 'telegram_chat',
      resource_id: '-1001000000001',
      label: 'VIP chat',
    });
    expect(chat.statusCode, chat.body).toBe(201);
    expect(chat.json()).toMatchObject({ scope_id: '', resource_id: '-1001000000001' });

    const listed = await call('GET', '/admin/plans/vip/access');
    expect(listed.statusCode).toBe(200);
    expect(
      listed.json<{ resources: Array<{ resource_id: string }> }>().resources.map((each) => each.resource_id),
    ).toEqual([vipRole.resource_id, '-1001000000001']);

    const removed = await call('DELETE', `/admin/plans/vip/access/${row.id}`);
    expect(removed.statusCode, removed.body).toBe(200);
    expect((await call('GET', '/admin/plans/vip/access')).json<{ resources: unknown[] }>().resources).toHaveLength(1);
    expect((await call('DELETE', `/admin/plans/vip/access/${row.id}`)).json()).toMatchObject({
      error: { code: 'access_resource_not_found' },
    });

    const audit = await harness.core.db.select().from(auditLog).where(eq(auditLog.subjectId, 'vip'));
    expect(audit.map((entry) => entry.action)).toEqual(
      expect.arrayContaining(['plan.access_resource_added', 'plan.access_resource_removed']),
    );
  });

  it('the same resource twice on one plan is a 409', async () => {
    const role = { ...vipRole, resource_id: '910000000000000005' };
    expect((await call('POST', '/admin/plans/pro/access', role)).statusCode).toBe(201);
    const again = await call('POST', '/admin/plans/pro/access', { ...role, label: 'renamed' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: { code: 'access_resource_exists' } });
    // Another plan may list the same resource.
    expect((await call('POST', '/admin/plans/vip/access', role)).statusCode).toBe(201);
  });

  it('an unknown plan is a 404 plan_not_found on every route', async () => {
    for (const response of [
      await call('GET', '/admin/plans/nope/access'),
      await call('POST', '/admin/plans/nope/access', vipRole),
      await call('DELETE', '/admin/plans/nope/access/6f1c6a4e-8d1e-4c47-9d55-1f6f0f2b7a11'),
    ]) {
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ error: { code: 'plan_not_found' } });
    }
  });

  it('a resource that cannot be right is refused before anything is stored', async () => {
    for (const payload of [
      { ...vipRole, scope_id: '' },
      { ...vipRole, resource_id: 'VIP' },
      { kind: 'slack_channel', scope_id: 'T123', resource_id: 'C0123456789' },
      { kind: 'slack_channel', resource_id: '#vip' },
      { kind: 'matrix_room', resource_id: '!abc' },
    ]) {
      const response = await call('POST', '/admin/plans/vip/access', payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json()).toMatchObject({ error: { code: 'invalid_request' } });
    }
    const quotaOnly = await call('POST', '/admin/plans/addon_seat/access', vipRole);
    expect(quotaOnly.statusCode).toBe(422);
    expect(quotaOnly.json()).toMatchObject({ error: { code: 'addon_has_no_features' } });
    expect((await call('POST', '/admin/plans/addon_backfill/access', vipRole)).statusCode).toBe(201);
  });

  it('without the admin key nothing is listed or changed', async () => {
    const response = await harness.app.inject({ method: 'POST', url: '/admin/plans/vip/access', payload: vipRole });
    expect(response.statusCode).toBe(401);
    expect((await harness.app.inject({ method: 'GET', url: '/admin/plans/vip/access' })).statusCode).toBe(401);
  });
});
