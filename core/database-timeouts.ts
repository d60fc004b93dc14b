import type { Config } from './config.js';

export type DatabaseTimeoutSettings = Pick<
  Config,
  'DATABASE_CONNECT_TIMEOUT_MS' | 'DATABASE_STATEMENT_TIMEOUT_MS' | 'DATABASE_POOL_WAIT_TIMEOUT_MS'
>;

/** The DATABASE_*_MS variables as createDatabase options; an unset one keeps db/client.ts's default. */
export function databaseTimeouts(settings: Partial<DatabaseTimeoutSettings>) {
  return {
    ...(settings.DATABASE_CONNECT_TIMEOUT_MS === undefined
      ? {}
      : { connectTimeoutMs: settings.DATABASE_CONNECT_TIMEOUT_MS }),
    ...(settings.DATABASE_STATEMENT_TIMEOUT_MS === undefined
      ? {}
      : { statementTimeoutMs: settings.DATABASE_STATEMENT_TIMEOUT_MS }),
    ...(settings.DATABASE_POOL_WAIT_TIMEOUT_MS === undefined
      ? {}
      : { poolWaitTimeoutMs: settings.DATABASE_POOL_WAIT_TIMEOUT_MS }),
  };
}
