import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from '../../core/testing/test-core.js';

/**
 * A browser stand-in for app.inject: keeps the cookies the app sets and reads the CSRF token
 * of the last page, so a test posts forms the way a browser does.
 */
export function createFormSession(test: TestApp) {
  const cookies = new Map<string, string>();
  let csrfToken = '';

  const remember = (response: LightMyRequestResponse) => {
    for (const cookie of response.cookies) {
      if (cookie.value === '' || (cookie.expires && cookie.expires.getTime() <= Date.now()))
        cookies.delete(cookie.name);
      else cookies.set(cookie.name, cookie.value);
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1];
    if (token) csrfToken = token;
    return response;
  };
  const cookieHeader = () => [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');

  return {
    cookies,
    get csrfToken() {
      return csrfToken;
    },
    async get(url: string) {
      return remember(
        await test.app.inject({ method: 'GET', url, headers: { cookie: cookieHeader(), accept: 'text/html' } }),
      );
    },
    /** A form post; `csrf: false` leaves the token out, as a forged cross-site form would. */
    async post(url: string, fields: Record<string, string> = {}, options: { csrf?: boolean } = {}) {
      const body = new URLSearchParams({ ...fields, ...(options.csrf === false ? {} : { _csrf: csrfToken }) });
      return remember(
        await test.app.inject({
          method: 'POST',
          url,
          headers: {
            cookie: cookieHeader(),
            accept: 'text/html',
            'content-type': 'application/x-www-form-urlencoded',
          },
          payload: body.toString(),
        }),
      );
    },
  };
}

export type FormSession = ReturnType<typeof createFormSession>;
