import { buildApp } from '../../web/app.js';
import { sessionCookieName } from '../../web/web-session.js';
import { type BenchCoreSpec, createBenchCore } from './bench-core.js';
import { serveBenchApp } from './serve-bench-app.js';

/** The same path as in page-bench.ts (which must not import this file's values: that would start a server). */
const barePath = '/__bench/bare-page';

export interface PageBenchReady {
  type: 'ready';
  port: number;
  /** The Cookie header of a Pro member's browser session, for /account/billing. */
  memberCookie: string;
}

/**
 * Child-process entry of the page bench (forked by page-bench.ts; importing this file starts a
 * server): the real app, a Pro member signed in by a web session, and a bare route answering a
 * tiny HTML page through the same hooks (security headers, cookies, CSRF check, session lookup).
 */
if (process.argv[2]) {
  const spec = JSON.parse(process.argv[2]) as BenchCoreSpec;
  const { core, dispose } = await createBenchCore(spec);
  const app = await buildApp(core, { docs: false });
  app.get(barePath, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send('<!doctype html><html lang="en"><title>bare</title><p>bare</p></html>'),
  );
  const { id: userId } = await core.users.findOrCreate({ email: 'bench-pages@example.com' }, 'bench');
  await core.grants.grant({ userId, planId: 'pro', days: 30, expiresAt: null, reason: 'bench' }, 'bench');
  // The full billing page, not the summary members outside the rollout get.
  await core.featureFlags.set('billing_pages', { mode: 'on', allowList: [], percentage: 0 }, 'bench');
  const session = await core.webSessions.create(userId, 'email');
  const port = await serveBenchApp(app, dispose);
  const ready: PageBenchReady = {
    type: 'ready',
    port,
    memberCookie: `${sessionCookieName(core)}=${encodeURIComponent(session.token)}`,
  };
  process.send?.(ready);
}
