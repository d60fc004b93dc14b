import type { AccessTokens } from './access-tokens.js';
import type { LoginLinks } from './login-links.js';
import type { RefreshTokens } from './refresh-tokens.js';

export interface TokenPair {
  access_token: string;
  token_type: 'Bearer';
  /** Seconds the access token lives. */
  expires_in: number;
  refresh_token: string;
  refresh_expires_at: string;
}

/** Sign-in for members: a login link becomes a token pair; a refresh token becomes the next pair. */
export function createAuthService(deps: {
  loginLinks: LoginLinks;
  accessTokens: AccessTokens;
  refreshTokens: RefreshTokens;
}) {
  const { loginLinks, accessTokens, refreshTokens } = deps;

  async function pair(userId: string, refresh: { token: string; expiresAt: Date }): Promise<TokenPair> {
    const access = await accessTokens.issue(userId);
    return {
      access_token: access.token,
      token_type: 'Bearer',
      expires_in: accessTokens.ttlSeconds,
      refresh_token: refresh.token,
      refresh_expires_at: refresh.expiresAt.toISOString(),
    };
  }

  return {
    requestLogin: loginLinks.request,
    deliverLoginLink: loginLinks.deliver,
    verifyAccessToken: accessTokens.verify,
    /** Spends a login link for a browser session (web/): no tokens are issued. */
    consumeLoginLink: loginLinks.consumeWithChannel,

    async exchangeLoginToken(loginToken: string): Promise<TokenPair> {
      const userId = await loginLinks.consume(loginToken);
      return pair(userId, await refreshTokens.issue(userId));
    },

    async refresh(refreshToken: string): Promise<TokenPair> {
      const { userId, refresh } = await refreshTokens.rotate(refreshToken);
      return pair(userId, refresh);
    },

    /** A fresh sign-in for a member without the link round trip (tests, operator tools). */
    async issueTokens(userId: string): Promise<TokenPair> {
      return pair(userId, await refreshTokens.issue(userId));
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
