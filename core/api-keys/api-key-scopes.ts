import { z } from 'zod';

/**
 * Rights a key carries beyond its member's own objects. `signals:publish` is for publisher
 * keys (bots or tools that post signals): only the admin key may issue one.
 */
export const apiKeyScopes = ['signals:publish'] as const;
export const adminOnlyScopes: readonly string[] = ['signals:publish'];

export const apiKeyScopeSchema = z.enum(apiKeyScopes);
export type ApiKeyScope = z.infer<typeof apiKeyScopeSchema>;

/** Features that let a member hold API keys (Core has the basic API, Pro and up full keys). */
export const apiAccessFeatures = ['api_keys', 'api_basic'] as const;
