import { isStorableText } from '../core/validation/edge-text.js';
import { privateReply } from './command-context.js';
import type { CommandActor, CommandInvocation, CommandReply } from './command-types.js';

/**
 * Chat text reaches the same columns and audit log as HTTP bodies, so it gets the edge's check:
 * a NUL or a lone surrogate (in the command, or in the names the platform sent) is refused here,
 * with the code the HTTP edge uses, before anything is looked up or audited.
 */
export function refuseUnstorableText(actor: CommandActor, texts: Array<string | undefined>): CommandReply | undefined {
  const all = [actor.externalId, actor.username, actor.displayName, actor.scopeId, ...texts];
  if (all.every((text) => text === undefined || isStorableText(text))) return undefined;
  return privateReply(
    'This command (or your name here) holds a character we cannot store, a NUL or a broken emoji; type it again. (invalid_request)',
  );
}

export const invocationTexts = (invocation: CommandInvocation) => [
  invocation.name,
  invocation.subcommand,
  ...Object.values(invocation.args),
];
