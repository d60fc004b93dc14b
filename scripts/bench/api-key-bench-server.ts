import { buildApp } from '../../web/app.js';
import { createCallerAuth } from '../../web/caller-auth.js';
import { type BenchCoreSpec, createBenchCore } from './bench-core.js';
import { serveBenchApp } from './serve-bench-app.js';

/** The same paths as in api-key-bench.ts (which must not import this file's values: that would start a server). */
const paths = { keyed: '/__bench/api-key', bare: '/__bench/bare' } as const;

export interface ApiKeyBenchReady {
  type: 'ready';
  port: number;
  apiKey: string;
}

/**
 * Child-process entry of the API-key bench (forked by api-key-bench.ts; importing this file
 * starts a server): the real app plus two routes answering the same body, one behind caller
 * auth (API key lookup, hash compare, entitlements, rate-limit check and headers), one bare.
 */
if (process.argv[2]) {
  const spec = JSON.parse(process.argv[2]) as BenchCoreSpec;
  const { core, dispose } = await createBenchCore(spec);
  const app = await buildApp(core, { docs: false });
  const callerAuth = createCallerAuth(core);

  // A plan whose api_rpm no run can reach: every request takes the full check and none is refused.
  await core.catalog.createPlan(
    {
      id: 'bench_api',
      kind: 'tier',
      name: 'Bench API',
      description: '',
      rank: 900,
      features: ['api_keys'],
      quotas: { api_rpm: 1_000_000_000 },
      contact_sales: false,
      prices: [],
    },
    'bench',
  );
  const { id: userId } = await core.users.findOrCreate({ email: 'bench-api@example.com' }, 'bench');
  await core.grants.grant({ userId, planId: 'bench_api', days: 30, expiresAt: null, reason: 'bench' }, 'bench');
  const { key } = await core.apiKeys.create({ kind: 'admin', tag: 'bench' }, { userId, name: 'bench' });
  const { recheck_at: _internal, ...sample } = await core.entitlements.get(userId);

  app.get(paths.keyed, { preHandler: callerAuth.requireCaller }, async () => ({ ...sample }));
  app.get(paths.bare, async () => ({ ...sample }));
  const port = await serveBenchApp(app, dispose);
  const ready: ApiKeyBenchReady = { type: 'ready', port, apiKey: key };
  process.send?.(ready);
}
