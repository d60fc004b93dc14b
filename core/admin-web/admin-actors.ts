/**
 * Who an admin page action is audited as: `admin:api-key` for whoever typed the admin key, or
 * the moderator's chat identity (`discord:123`) when they came through a bot-issued link.
 */
export const adminKeyActor = 'admin:api-key';

export type AdminSignInMethod = 'admin_key' | 'bot_link';
