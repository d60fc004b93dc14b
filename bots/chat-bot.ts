import type { FastifyInstance } from 'fastify';
import type { ChatPlatform } from '../core/ports/chat-platform.js';

/**
 * One chat platform's bot, in three separable parts so each process role takes only what it
 * needs: `platform` (REST calls for access sync and DMs: worker), `mounts` (HTTP endpoints
 * the platform calls: web), `start` (gateway, long polling or Socket Mode: bots).
 */
export interface ChatBot {
  platform: ChatPlatform;
  mounts: Array<(scope: FastifyInstance) => Promise<void>>;
  /** Registers the slash commands where the platform needs it and connects. */
  start(): Promise<void>;
  stop(): Promise<void>;
}
