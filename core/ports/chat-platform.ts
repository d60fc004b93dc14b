import type { ErrorCode } from '../error-codes.js';
import { AppError } from '../errors.js';

export const chatPlatformNames = ['discord', 'telegram', 'slack'] as const;
export type ChatPlatformName = (typeof chatPlatformNames)[number];

export const accessResourceKinds = ['discord_role', 'telegram_chat', 'slack_channel'] as const;
export type AccessResourceKind = (typeof accessResourceKinds)[number];

/** Which platform each resource kind lives on. */
export const platformOfKind: Record<AccessResourceKind, ChatPlatformName> = {
  discord_role: 'discord',
  telegram_chat: 'telegram',
  slack_channel: 'slack',
};

export interface AccessResource {
  kind: AccessResourceKind;
  /** Discord guild id; '' where the resource id is enough. */
  scopeId: string;
  resourceId: string;
  label: string;
}

export const resourceKey = (resource: Pick<AccessResource, 'kind' | 'scopeId' | 'resourceId'>) =>
  `${resource.kind}:${resource.scopeId}:${resource.resourceId}`;

/**
 * What the platform says about one member and one resource:
 * - `held`: the member has it (role on, in the chat or channel)
 * - `absent`: the member is reachable in the scope and does not have it
 * - `not_in_scope`: the member is not in the guild/workspace, so nothing can be granted yet
 *   (a join will trigger a reconcile)
 */
export type AccessState = 'held' | 'absent' | 'not_in_scope';

/** The result of a grant: applied, or an invite the member must follow (Telegram). */
export type GrantOutcome =
  | { result: 'granted' }
  | { result: 'invited'; inviteUrl: string; expiresAt: Date }
  | { result: 'not_in_scope' };

/**
 * One kind of resource on one platform. Implementations live in bots/<platform>/ with the SDK;
 * core keeps a registry keyed by kind. Every method is idempotent: granting a held role or
 * revoking an absent one succeeds.
 */
export interface AccessStrategy {
  kind: AccessResourceKind;
  read(externalId: string, resource: AccessResource): Promise<AccessState>;
  /**
   * True when `read` would answer from the adapter's own fresh copy without a request, so
   * the reconciler need not spend a rate-limit slot on it (Slack reads channel lists in bulk).
   */
  readIsLocal?(externalId: string, resource: AccessResource): boolean;
  grant(externalId: string, resource: AccessResource): Promise<GrantOutcome>;
  revoke(externalId: string, resource: AccessResource): Promise<void>;
  /**
   * Makes an invite from `grant` unusable (Telegram links), for a member whose access ended
   * before they followed it. Idempotent: an expired, used or unknown invite is nothing to do.
   */
  withdrawInvite?(externalId: string, resource: AccessResource, inviteUrl: string): Promise<void>;
}

export interface PreflightProblem {
  code:
    | 'platform_permission_missing'
    | 'platform_role_above_bot'
    | 'platform_resource_missing'
    | 'platform_unreachable';
  resource?: AccessResource;
  message: string;
}

/** A message to a member, platform-neutral; adapters render it. */
export interface DirectMessage {
  text: string;
  /** Link buttons (pay, manage, join). */
  links?: Array<{ label: string; url: string }>;
}

/** A chat platform as core sees it: access strategies, DMs and a permission self-check. */
export interface ChatPlatform {
  name: ChatPlatformName;
  strategies: AccessStrategy[];
  /** Requests per second this platform allows the bot for access calls; the reconciler stays under it. */
  requestsPerSecond: number;
  sendDirectMessage(externalId: string, message: DirectMessage): Promise<void>;
  /** Posts to a channel or group the bot is in (a tier's signal channel). */
  sendChannelMessage(channelId: string, message: DirectMessage): Promise<void>;
  /** Can the bot manage these resources? Run at start-up and by `/admin sync`. */
  preflight(resources: AccessResource[]): Promise<PreflightProblem[]>;
}

export type PlatformErrorCode = Extract<ErrorCode, `platform_${string}`>;

/**
 * A failed platform call, classified: retryable (429, 5xx, network) or needing a person
 * (missing permission, role above the bot's, resource deleted). Adapters throw only this.
 */
export class PlatformError extends AppError {
  readonly platform: ChatPlatformName;
  readonly needsPerson: boolean;
  /** From the platform's 429 answer (retry_after); the caller waits at least this long. */
  readonly retryAfterMs: number | undefined;

  constructor(
    platform: ChatPlatformName,
    code: PlatformErrorCode,
    message: string,
    options: { retryAfterMs?: number; cause?: unknown; context?: Record<string, unknown> } = {},
  ) {
    const retryable = code === 'platform_rate_limited' || code === 'platform_unavailable';
    super(code, message, { status: retryable ? 503 : 502, retryable, cause: options.cause, context: options.context });
    this.name = 'PlatformError';
    this.platform = platform;
    this.needsPerson = !retryable && code !== 'platform_member_unreachable' && code !== 'platform_rejected';
    this.retryAfterMs = options.retryAfterMs;
  }
}

export const isPlatformError = (error: unknown): error is PlatformError => error instanceof PlatformError;
