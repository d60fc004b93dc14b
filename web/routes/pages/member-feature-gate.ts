import type { FastifyReply, FastifyRequest } from 'fastify';
import { cheapestPlanWithFeature, type UpgradeOffer } from '../../../core/catalog/cheapest-plan-with-feature.js';
import { hasMemberFeature, type MemberFeature } from '../../../core/catalog/member-features.js';
import type { EntitlementView } from '../../../core/entitlements/entitlement-service.js';
import { isAppError } from '../../../core/errors.js';
import type { Core } from '../../../core/index.js';
import type { AccountSection } from '../../views/account-navigation.js';
import { html } from '../../views/escape-html.js';
import { type LockedFeaturePitch, renderLockedFeaturePage } from '../../views/features/locked-feature.js';
import { renderMessagePage } from '../../views/message-page.js';
import type { PageViewer } from '../../views/page-shell.js';
import { sendHtml, sendRefusalPage, viewerOf } from './page-replies.js';

/** The signed-in member of a page behind requireMemberPage (its preHandler has set it). */
export function pageMember(request: FastifyRequest) {
  const member = request.webMember;
  if (!member) throw new Error('a member page ran without requireMemberPage');
  return member;
}

/** The member's entitlements and whether they include the page's feature: decided here, never in the browser. */
export async function featureAccess(core: Core, userId: string, feature: MemberFeature) {
  const view: EntitlementView = await core.entitlements.get(userId);
  return { view, granted: hasMemberFeature(view, feature) };
}

/** The member's plan by name; a tier whose plan row is gone shows its id rather than failing the page. */
export async function planNameOf(core: Core, tier: string): Promise<string> {
  try {
    return (await core.catalog.getPlan(tier)).name;
  } catch (error) {
    if (!isAppError(error) || error.code !== 'plan_not_found') throw error;
    return tier;
  }
}

/** The plan a locked page's upgrade button buys (cheapest monthly tier with the feature). */
export async function upgradeOfferFor(core: Core, feature: MemberFeature): Promise<UpgradeOffer | undefined> {
  return cheapestPlanWithFeature(await core.catalog.listPlans(), feature, core.config.DEFAULT_CURRENCY);
}

/**
 * The feature page's locked view (what it gives, the plan that includes it), sent when the
 * member's plan lacks `feature`; false when the page may show the feature itself.
 */
export async function sentLockedPage(
  core: Core,
  reply: FastifyReply,
  locked: {
    userId: string;
    feature: MemberFeature;
    section: AccountSection;
    pitch: LockedFeaturePitch;
    viewer: PageViewer;
  },
): Promise<boolean> {
  if ((await featureAccess(core, locked.userId, locked.feature)).granted) return false;
  await sendHtml(
    reply,
    renderLockedFeaturePage({
      viewer: locked.viewer,
      section: locked.section,
      pitch: locked.pitch,
      offer: await upgradeOfferFor(core, locked.feature),
    }),
  );
  return true;
}

/**
 * A form action of a locked feature: refused on the server whatever the browser sent (a form
 * copied from an unlocked page, an edited one), with the code the API gives for the same case.
 */
export async function sendFeatureRequired(
  core: Core,
  request: FastifyRequest,
  reply: FastifyReply,
  feature: MemberFeature,
) {
  const offer = await upgradeOfferFor(core, feature);
  return sendHtml(
    reply,
    renderMessagePage({
      title: 'Not included in your plan',
      message: offer
        ? `This needs the ${offer.planName} plan or another plan that includes it.`
        : 'Your plan does not include this.',
      code: 'feature_required',
      viewer: viewerOf(request, reply),
      extra: html`<p><a class="button" href="/pricing">See the plans</a></p>`,
    }),
    403,
  );
}

/** A form that does not parse: a readable page with the stable code, never the API's JSON. */
export function sendInvalidForm(request: FastifyRequest, reply: FastifyReply, message: string, backTo: string) {
  return sendHtml(
    reply,
    renderMessagePage({
      title: 'Please check the form',
      message,
      code: 'invalid_request',
      viewer: viewerOf(request, reply),
      extra: html`<p><a href="${backTo}">Back</a></p>`,
    }),
    400,
  );
}

export type FeatureFormAction = (request: FastifyRequest, reply: FastifyReply, userId: string) => Promise<unknown>;

/**
 * A feature page's form handler: the feature is checked again on the server first (a member
 * without it gets feature_required, whatever the form said), and a refusal from core (an id
 * that is not theirs, a limit, a bad URL) becomes a readable page with its code.
 */
export function featureFormAction(core: Core, feature: MemberFeature, action: FeatureFormAction) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const member = pageMember(request);
    if (!(await featureAccess(core, member.userId, feature)).granted)
      return sendFeatureRequired(core, request, reply, feature);
    try {
      return await action(request, reply, member.userId);
    } catch (error) {
      return sendRefusalPage(request, reply, error);
    }
  };
}
