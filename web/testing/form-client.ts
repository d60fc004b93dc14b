import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/**
 * A browser's worth of state for app.inject: keeps cookies between requests, reads the CSRF
 * token from the last page, and posts forms the way a browser does (urlencoded, Accept html).
 */
export function createFormClient(app: FastifyInstance) {
  const cookies = new Map<string, string>();
  let lastToken: string | undefined;

  const cookieHeader = () =>
    [...cookies].map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('; ') || undefined;

  function remember(response: LightMyRequestResponse) {
    for (const cookie of response.cookies as Array<{ name: string; value: string; expires?: Date; maxAge?: number }>) {
      const expired =
        cookie.value === '' || cookie.maxAge === 0 || (cookie.expires && cookie.expires.getTime() <= Date.now());
      if (expired) cookies.delete(cookie.name);
      else cookies.set(cookie.name, cookie.value);
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1];
    if (token) lastToken = token;
    return response;
  }

  const headers = () => ({ accept: 'text/html', ...(cookieHeader() ? { cookie: cookieHeader()! } : {}) });

  return {
    cookies,
    get csrfToken() {
      return lastToken;
    },
    async get(url: string) {
      return remember(await app.inject({ method: 'GET', url, headers: headers() }));
    },
    /** Posts a form; `_csrf` is the last page's token unless the fields say otherwise. */
    async post(url: string, fields: Record<string, string> = {}, options: { withToken?: boolean } = {}) {
      const withToken = options.withToken ?? true;
      const body = new URLSearchParams({ ...(withToken && lastToken ? { _csrf: lastToken } : {}), ...fields });
      return remember(
        await app.inject({
          method: 'POST',
          url,
          headers: { ...headers(), 'content-type': 'application/x-www-form-urlencoded' },
          payload: body.toString(),
        }),
      );
    },
  };
}

export type FormClient = ReturnType<typeof createFormClient>;
