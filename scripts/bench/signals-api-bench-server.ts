import { buildApp } from '../../web/app.js';
import { type BenchCoreSpec, createBenchCore } from './bench-core.js';
import { serveBenchApp } from './serve-bench-app.js';

/** The same path as in signals-api-bench.ts (which must not import this file's values: that would start a server). */
const barePath = '/__bench/signals-bare';

export interface SignalsApiBenchReady {
  type: 'ready';
  port: number;
  apiKeys: string[];
  signalsPerPage: number;
}

/** Several members polling at once, each with their own key, as a VIP audience would. */
const members = 8;
const publishedSignals = 50;

/**
 * Child-process entry of the signals API bench (forked by signals-api-bench.ts; importing this
 * file starts a server): the real app with 50 published signals and 8 VIP members holding an
 * API key each, plus a bare route answering the same body the feed answers, with no auth,
 * rate limit, schema or read.
 */
if (process.argv[2]) {
  const spec = JSON.parse(process.argv[2]) as BenchCoreSpec;
  const { core, dispose } = await createBenchCore(spec);
  const app = await buildApp(core, { docs: false });

  // VIP as seeded, with an api_rpm no run can reach: every request takes the full check and
  // none is refused (a 429 would measure the refusal, not the read).
  const vip = await core.catalog.getPlan('vip');
  await core.catalog.createPlan(
    {
      id: 'bench_vip',
      kind: 'tier',
      name: 'Bench VIP',
      description: '',
      rank: 900,
      features: vip.features,
      quotas: { ...vip.quotas, api_rpm: 1_000_000_000 },
      contact_sales: false,
      prices: [],
    },
    'bench',
  );
  const apiKeys: string[] = [];
  for (let index = 0; index < members; index += 1) {
    const { id: userId } = await core.users.findOrCreate({ email: `bench-signals-${index}@example.com` }, 'bench');
    await core.grants.grant({ userId, planId: 'bench_vip', days: 30, expiresAt: null, reason: 'bench' }, 'bench');
    const { key } = await core.apiKeys.create({ kind: 'admin', tag: 'bench' }, { userId, name: 'bench' });
    apiKeys.push(key);
  }
  for (let index = 0; index < publishedSignals; index += 1)
    await core.signals.publish(
      {
        instrument: index % 2 === 0 ? 'BTCUSDT' : 'ETHUSDT',
        side: 'long',
        entry: `${64_000 + index}.5`,
        stop: '60000',
        targets: ['70000', '72000'],
        note: 'breakout retest',
        idempotency_key: `bench-signal-${index}`,
      },
      'bench',
    );

  // The baseline: same instance, hooks, logger and error handler, the same bytes, already
  // serialized as the feed's are; nothing checked or read. Routes must be added before the first
  // request, so it answers the page the feed answered first.
  let body = '';
  app.get(barePath, async (_request, reply) => reply.type('application/json; charset=utf-8').send(body));
  const first = await app.inject({
    method: 'GET',
    url: '/v1/signals',
    headers: { authorization: `Bearer ${apiKeys[0]}` },
  });
  if (first.statusCode !== 200) throw new Error(`GET /v1/signals answered ${first.statusCode}: ${first.body}`);
  body = first.body;
  const page = first.json<{ signals: unknown[] }>();

  const port = await serveBenchApp(app, dispose);
  const ready: SignalsApiBenchReady = { type: 'ready', port, apiKeys, signalsPerPage: page.signals.length };
  process.send?.(ready);
}
