import { buildApp } from '../../web/app.js';
import { type BenchCoreSpec, createBenchCore } from './bench-core.js';
import { type BenchServerCpu, type BenchServerReady, bareRoutePath } from './bench-server-protocol.js';
import { serveBenchApp } from './serve-bench-app.js';

/**
 * Child-process entry of the HTTP bench (forked by http-server-process.ts): the real app plus
 * one bare route on the same instance, listening on 127.0.0.1 on a free port. Running it in its
 * own process keeps autocannon (in the parent) off this event loop; on 2 cores each gets one.
 */
const spec = JSON.parse(process.argv[2] ?? '') as BenchCoreSpec;
const { core, dispose } = await createBenchCore(spec);
const app = await buildApp(core, { docs: false });

// A member with a paid tier, granted the way a moderator would (this also stores and caches the view).
const { id: userId } = await core.users.findOrCreate({ email: 'bench-member@example.com' }, 'bench');
await core.grants.grant({ userId, planId: 'pro', days: 30, expiresAt: null, reason: 'bench' }, 'bench');
const { recheck_at: _internal, ...sample } = await core.entitlements.get(userId);

// The baseline: same instance, hooks, logger, error handler and JSON output; no auth, schema or lookup.
app.get(bareRoutePath, async () => ({ ...sample }));

const port = await serveBenchApp(app, dispose, (message) => {
  if (message === 'cpu') {
    const usage = process.cpuUsage();
    const answer: BenchServerCpu = { type: 'cpu', micros: usage.user + usage.system };
    process.send?.(answer);
  }
});

const ready: BenchServerReady = { type: 'ready', port, userId };
process.send?.(ready);
