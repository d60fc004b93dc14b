import type { Logger } from 'pino';
import type { z } from 'zod';
import type { JobHandler } from '../ports/queue.js';

export interface JobDefinition<Schema extends z.ZodType> {
  name: string;
  payload: Schema;
  handle: (payload: z.output<Schema>) => Promise<void>;
}

export const defineJob = <Schema extends z.ZodType>(definition: JobDefinition<Schema>) => definition;

/**
 * name -> payload schema -> handler. A payload that does not parse is logged and dropped:
 * retrying it could never succeed, and the database still holds the work it pointed at.
 */
export function buildJobHandlers(
  definitions: Array<JobDefinition<z.ZodType>>,
  logger: Logger,
): Map<string, JobHandler> {
  const handlers = new Map<string, JobHandler>();
  for (const definition of definitions) {
    handlers.set(definition.name, async (payload) => {
      const parsed = definition.payload.safeParse(payload);
      if (!parsed.success) {
        logger.error({ job: definition.name, issues: parsed.error.issues }, 'job payload rejected');
        return;
      }
      await definition.handle(parsed.data);
    });
  }
  return handlers;
}
