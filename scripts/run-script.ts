import { loadConfig } from '../core/config.js';
import { createCore } from '../core/index.js';
import { stripeWebhookEndpoint } from './stripe-webhook-endpoint.js';

/**
 * `npm run script <name> [args]`: operator tools that work on the same database as the app.
 *   replay-webhook <event id>   put a stored webhook event back in line and process it now
 *   dead-letters                list dead-lettered webhook events
 *   sync-stripe-prices          create Stripe Prices for every active plan price
 *   stripe-webhook-endpoint [--replace]
 *                               create or update the Stripe webhook endpoint for PUBLIC_URL, pinned
 *                               to the API version this build reads; prints its secret when created
 */
const [name, ...args] = process.argv.slice(2);
const usage =
  'usage: npm run script replay-webhook <event id> | dead-letters | sync-stripe-prices | stripe-webhook-endpoint [--replace]';

const config = loadConfig();
if (name === 'stripe-webhook-endpoint') {
  // Talks to Stripe only: no database, so it runs before the core is built.
  try {
    if (!config.STRIPE_SECRET_KEY) throw new Error('STRIPE_SECRET_KEY is not set');
    const lines = await stripeWebhookEndpoint({
      secretKey: config.STRIPE_SECRET_KEY,
      apiBase: config.STRIPE_API_BASE,
      publicUrl: config.PUBLIC_URL,
      idempotencyPrefix: config.IDEMPOTENCY_PREFIX,
      replace: args.includes('--replace'),
    });
    console.log(lines.join('\n'));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
  process.exit();
}
const core = await createCore({ config });
try {
  switch (name) {
    case 'replay-webhook': {
      const eventId = args[0];
      if (!eventId) throw new Error(usage);
      const event = await core.paymentEvents.replay(eventId, 'operator:script');
      // This process is not a worker: process it here and now rather than wait for one.
      const outcome = await core.processPaymentEvent(event.id);
      console.log(JSON.stringify({ event_id: event.id, event_type: event.event_type, outcome }, null, 2));
      break;
    }
    case 'sync-stripe-prices': {
      console.log(JSON.stringify(await core.syncProviderPrices('stripe'), null, 2));
      break;
    }
    case 'dead-letters': {
      console.log(JSON.stringify(await core.paymentEvents.list({ status: 'dead', limit: 200 }), null, 2));
      break;
    }
    default:
      throw new Error(usage);
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await core.close();
}
