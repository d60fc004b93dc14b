/** An error the fake answers in Stripe's envelope: `{ error: { type, code, message, param } }`. */
export class FakeStripeError extends Error {
  readonly status: number;
  readonly type: string;
  readonly code: string | undefined;
  readonly param: string | undefined;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    type: string,
    message: string,
    options: { code?: string; param?: string; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.status = status;
    this.type = type;
    this.code = options.code;
    this.param = options.param;
    this.headers = options.headers ?? {};
  }

  envelope(): { error: Record<string, string> } {
    return {
      error: {
        type: this.type,
        message: this.message,
        ...(this.code === undefined
          ? {}
          : { code: this.code, doc_url: `https://stripe.com/docs/error-codes/${this.code}` }),
        ...(this.param === undefined ? {} : { param: this.param }),
      },
    };
  }
}

export const invalidRequest = (message: string, options: { code?: string; param?: string } = {}) =>
  new FakeStripeError(400, 'invalid_request_error', message, options);

export const missingParameter = (param: string) =>
  invalidRequest(`Missing required param: ${param}.`, { code: 'parameter_missing', param });

/** Stripe answers 404 for a missing object in the URL, 400 for one named in a parameter. */
export const resourceMissing = (noun: string, id: string, param?: string) =>
  new FakeStripeError(param === undefined ? 404 : 400, 'invalid_request_error', `No such ${noun}: '${id}'`, {
    code: 'resource_missing',
    param: param ?? 'id',
  });
