import type { Api, Transformer } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';

export interface CapturedCall {
  method: string;
  payload: Record<string, unknown>;
}

/** What a scripted answer may be: a result, or a Bot API error body. */
export type ScriptedAnswer = { result: unknown } | { error_code: number; description: string; retry_after?: number };

export type Responder = (call: CapturedCall) => ScriptedAnswer | undefined;

export interface CapturedBotApi {
  readonly calls: CapturedCall[];
  /** Payloads sent to one method, in order. */
  callsTo(method: string): Array<Record<string, unknown>>;
  /** Answers calls to `method` with `answer` (a function sees each call) until replaced. */
  answer(method: string, answer: ScriptedAnswer | ((payload: Record<string, unknown>) => ScriptedAnswer)): void;
}

let nextMessageId = 500;

/** Plausible defaults, so a test scripts only what it is about. */
const defaultResult = (call: CapturedCall, botInfo: UserFromGetMe | undefined): unknown => {
  const { method, payload } = call;
  switch (method) {
    case 'sendMessage':
      return {
        message_id: nextMessageId++,
        date: Math.floor(Date.now() / 1000),
        chat: { id: Number(payload.chat_id), type: Number(payload.chat_id) > 0 ? 'private' : 'supergroup' },
        text: payload.text,
        ...(botInfo ? { from: botInfo } : {}),
      };
    case 'getChatMember':
      return { status: 'left', user: { id: Number(payload.user_id), is_bot: false, first_name: 'Member' } };
    case 'getChatAdministrators':
      return [];
    case 'getMe':
      return botInfo;
    default:
      return true;
  }
};

/**
 * The network edge of grammY in tests: a transformer on `bot.api` that records every call and
 * answers from a script instead of calling Telegram. Calls made through `ctx.api` in handlers
 * pass it too (grammY copies bot.api's transformers to each update's Api).
 */
export function captureBotApi(
  api: Api,
  options: { botInfo?: UserFromGetMe; responder?: Responder } = {},
): CapturedBotApi {
  const calls: CapturedCall[] = [];
  const scripted = new Map<string, ScriptedAnswer | ((payload: Record<string, unknown>) => ScriptedAnswer)>();
  const transformer: Transformer = async (_previous, method, payload) => {
    const call: CapturedCall = { method, payload: { ...(payload as Record<string, unknown>) } };
    calls.push(call);
    const script = scripted.get(method);
    const answer = options.responder?.(call) ??
      (typeof script === 'function' ? script(call.payload) : script) ?? {
        result: defaultResult(call, options.botInfo),
      };
    if ('result' in answer) return { ok: true, result: answer.result } as never;
    return {
      ok: false,
      error_code: answer.error_code,
      description: answer.description,
      ...(answer.retry_after === undefined ? {} : { parameters: { retry_after: answer.retry_after } }),
    } as never;
  };
  api.config.use(transformer);
  return {
    calls,
    callsTo: (method) => calls.filter((call) => call.method === method).map((call) => call.payload),
    answer(method, answer) {
      scripted.set(method, answer);
    },
  };
}
