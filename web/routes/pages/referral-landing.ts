import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Core } from '../../../core/index.js';
import { renderMessagePage } from '../../views/message-page.js';
import { renderReferralLandingPage } from '../../views/referral-landing-page.js';
import { baseCookieOptions } from '../../web-session.js';
import { sendHtml, viewerOf } from './page-replies.js';

/** The invite a signed-out visitor arrived with, until they sign in (then core records it). */
export const referralCookieName = 'referral_code';
const referralCookieMaxAgeSeconds = 30 * 86_400;

/** `/r/<code>`, the link `/referral` hands out. */
export async function referralLandingRoutes(app: FastifyInstance, core: Core) {
  app
    .withTypeProvider<ZodTypeProvider>()
    .get(
      '/r/:code',
      { schema: { hide: true, params: z.object({ code: z.string().max(64) }) } },
      async (request, reply) => {
        const referral = await core.referrals.describe(request.params.code);
        if (!referral)
          return sendHtml(
            reply,
            renderMessagePage({
              title: 'This invite link is not valid',
              message: 'No invite has this code. You can still see our plans on the pricing page.',
              code: 'code_unknown',
              viewer: viewerOf(request, reply),
            }),
            404,
          );
        let attributedNow = false;
        if (request.webMember)
          attributedNow = (await core.referrals.attributeFromWebLink(request.webMember.userId, referral.code))
            .attributed;
        else
          reply.setCookie(referralCookieName, referral.code, {
            ...baseCookieOptions(core),
            maxAge: referralCookieMaxAgeSeconds,
          });
        return sendHtml(
          reply,
          renderReferralLandingPage({
            viewer: viewerOf(request, reply),
            code: referral.code,
            inviterName: referral.inviterName,
            communityUrl: core.config.COMMUNITY_URL,
            attributedNow,
          }),
        );
      },
    );
}
