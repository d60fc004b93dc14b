import type { Logger } from 'pino';
import { z } from 'zod';
import type { Database } from '../../db/client.js';
import { salesContactRequests } from '../../db/schema/index.js';
import type { AccessStrategyRegistry } from '../access/access-strategy-registry.js';
import { sendDirectMessageTo } from '../auth/direct-message.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import { badRequest } from '../errors.js';
import type { Clock } from '../ports/clock.js';

export const salesContactSchema = z.object({
  plan_id: z.string().trim().min(1).max(40),
  name: z.string().trim().min(1).max(120),
  email: z.email().max(320),
  message: z.string().trim().max(2000).default(''),
});
export type SalesContactInput = z.output<typeof salesContactSchema>;

/**
 * Contact-sales plans (Enterprise) are sold by people: the enquiry is stored first (so none is
 * lost when no bot runs), then every moderator in MODERATOR_IDS gets a DM through the bot of
 * their platform. A DM that fails is logged; the stored row is the record.
 */
export function createSalesContactService(deps: {
  db: Database;
  clock: Clock;
  catalog: CatalogService;
  registry: AccessStrategyRegistry;
  moderatorIds: readonly string[];
  logger: Logger;
}) {
  return {
    async submit(input: SalesContactInput, userId: string | null): Promise<{ id: string; moderatorsNotified: number }> {
      const plan = await deps.catalog.getPlan(input.plan_id);
      if (!plan.active || !plan.contactSales)
        throw badRequest('plan_not_contact_sales', `${plan.name} is bought at checkout, not through sales.`, {
          plan_id: plan.id,
        });
      const [row] = await deps.db
        .insert(salesContactRequests)
        .values({
          planId: plan.id,
          userId,
          name: input.name,
          email: input.email.toLowerCase(),
          message: input.message,
          createdAt: deps.clock.now(),
        })
        .returning({ id: salesContactRequests.id });
      const text =
        `New ${plan.name} enquiry from ${input.name} <${input.email}>` +
        `${userId ? ` (member ${userId})` : ''}:\n${input.message || '(no message)'}`;
      let moderatorsNotified = 0;
      for (const entry of deps.moderatorIds) {
        const separator = entry.indexOf(':');
        const target = { platform: entry.slice(0, separator), externalId: entry.slice(separator + 1) };
        try {
          await sendDirectMessageTo(deps.registry, target, { text });
          moderatorsNotified += 1;
        } catch (error) {
          deps.logger.warn({ err: error, platform: target.platform, requestId: row!.id }, 'sales enquiry DM not sent');
        }
      }
      if (moderatorsNotified === 0)
        deps.logger.warn({ requestId: row!.id, planId: plan.id }, 'sales enquiry stored; no moderator could be told');
      return { id: row!.id, moderatorsNotified };
    },
  };
}

export type SalesContactService = ReturnType<typeof createSalesContactService>;
