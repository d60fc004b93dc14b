import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, createTestApp, type TestApp } from '../core/testing/test-core.js';
import { buildMetricsApp } from './metrics-server.js';

const metricsToken = 'mtk_0123456789abcdefghijklmnopqrstuv';

describe('/metrics', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await createTestApp({ METRICS_TOKEN: metricsToken });
  });
  afterAll(() => test.close());

  const read = (headers: Record<string, string> = {}) => test.app.inject({ method: 'GET', url: '/metrics', headers });

  it('the public port refuses metrics (MRR included) without a token', async () => {
    const response = await read();
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('unauthorized');
    expect(response.body).not.toMatch(/mrr_minor_units/);
  });

  it('the public port refuses a wrong token', async () => {
    const response = await read({ authorization: `Bearer ${metricsToken.slice(0, -1)}x` });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('forbidden');
  });

  it('METRICS_TOKEN and the admin key read metrics on the public port', async () => {
    for (const headers of [{ authorization: `Bearer ${metricsToken}` }, adminHeaders]) {
      const response = await read(headers);
      expect(response.statusCode).toBe(200);
      expect(response.body).toMatch(/^# HELP mrr_minor_units/m);
    }
  });

  it('the private METRICS_PORT listener serves /metrics without a token, and nothing else', async () => {
    const metricsApp = buildMetricsApp(test.core);
    try {
      const metrics = await metricsApp.inject({ method: 'GET', url: '/metrics' });
      expect(metrics.statusCode).toBe(200);
      expect(metrics.body).toMatch(/^# HELP mrr_minor_units/m);
      const other = await metricsApp.inject({ method: 'GET', url: '/v1/plans' });
      expect(other.statusCode).toBe(404);
    } finally {
      await metricsApp.close();
    }
  });
});
