import { loadConfig } from '../core/config.js';
import { createCore } from '../core/index.js';

/** `npm run db:migrate`: apply migrations and seed the default catalog where it is missing. */
const config = loadConfig();
const core = await createCore({ config });
await core.prepareDatabase();
console.log(
  `migrations applied on ${core.database.kind}${config.SEED_CATALOG ? '; catalog seeded where missing' : ''}`,
);
await core.close();
