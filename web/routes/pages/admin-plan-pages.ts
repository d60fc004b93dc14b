import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isAppError } from '../../../core/errors.js';
import type { Core } from '../../../core/index.js';
import { adminPaths, csrfAlways, hiddenFromDocs, requireAdminPage } from '../../admin-web-session.js';
import { renderCatalogPage } from '../../views/admin/catalog-page.js';
import type { FormDraft, PageRefusal } from '../../views/admin/catalog-parts.js';
import { type PlanForm, renderPlanPage } from '../../views/admin/plan-page.js';
import { renderPromotionsPage } from '../../views/admin/promotions-page.js';
import {
  FormInputError,
  readAccessResourceForm,
  readArchiveForm,
  readCreatePlanForm,
  readEditPlanForm,
  readPriceForm,
  readPromotionForm,
  refusalOf,
} from './admin-plan-forms.js';
import { sendHtml } from './page-replies.js';

const planParams = z.object({ plan_id: z.string().regex(/^[a-z][a-z0-9_]{1,39}$/) });
const savedQuery = z.object({ saved: z.string().max(40).optional().catch(undefined) });

/** What a `?saved=` after a redirect says (a fixed list: the query never reaches the page as text). */
const savedMessages: Record<string, string> = {
  created: 'Plan created.',
  details: 'Details and quotas saved; holders’ access is recomputed.',
  price: 'New price version saved. Current subscribers keep theirs.',
  archived: 'Archived: off the pricing page; nobody can buy it.',
  unarchived: 'Back on the pricing page.',
  access_added: 'Chat resource added.',
  access_removed: 'Chat resource removed.',
  promotion_created: 'Promo code created.',
  promotion_deactivated: 'Promo code deactivated.',
};
/** A refused form's fields without its CSRF token, to fill the form in again. */
const draftOf = (request: FastifyRequest): FormDraft => {
  const { _csrf: _token, ...fields } = z
    .record(z.string(), z.union([z.string(), z.array(z.string())]))
    .catch({})
    .parse(request.body ?? {});
  return fields;
};

const savedOf = (request: FastifyRequest) => {
  const key = savedQuery.parse(request.query ?? {}).saved;
  return key ? savedMessages[key] : undefined;
};

/**
 * Plans, add-ons, promo codes and access resources (owner pages). Registered inside the admin
 * pages' scope. Every change goes through the same core calls as the JSON admin API
 * (/admin/plans, /admin/promotions, /admin/plans/:id/access), audited as the signed-in admin.
 */
/** A refusal to show, with what was typed into the refused form (and, on a plan page, which form). */
type Refused = PageRefusal & { status: number; draft?: FormDraft | undefined; form?: PlanForm | undefined };

export async function adminPlanPageRoutes(app: FastifyInstance, core: Core) {
  const guard = requireAdminPage(core);
  const actorOf = (request: FastifyRequest) => request.adminSession!.actor;
  const defaultCurrency = core.config.DEFAULT_CURRENCY;
  const catalogPath = adminPaths.plans;
  const promotionsPath = `${catalogPath}/promotions`;
  const getOptions = { schema: hiddenFromDocs, preHandler: guard };
  const postOptions = { schema: hiddenFromDocs, preHandler: guard, config: csrfAlways };

  async function catalogPage(request: FastifyRequest, reply: FastifyReply, refusal?: Refused) {
    const [plans, subscribers] = await Promise.all([
      core.catalog.listPlans({ includeInactive: true }),
      core.catalog.subscribersByPrice(),
    ]);
    return sendHtml(
      reply,
      renderCatalogPage({
        plans,
        subscribers,
        defaultCurrency,
        refusal,
        draft: refusal?.draft,
        saved: refusal ? undefined : savedOf(request),
        actor: actorOf(request),
        csrfToken: reply.generateCsrf(),
      }),
      refusal?.status ?? 200,
    );
  }

  async function planPage(request: FastifyRequest, reply: FastifyReply, planId: string, refusal?: Refused) {
    const [plan, subscribers, resources] = await Promise.all([
      core.catalog.getPlan(planId),
      core.catalog.subscribersByPrice(),
      core.access.resources.list(planId),
    ]);
    return sendHtml(
      reply,
      renderPlanPage({
        plan,
        subscribers,
        resources,
        defaultCurrency,
        refusal,
        draft: refusal?.form && refusal.draft ? { form: refusal.form, fields: refusal.draft } : undefined,
        saved: refusal ? undefined : savedOf(request),
        actor: actorOf(request),
        csrfToken: reply.generateCsrf(),
      }),
      refusal?.status ?? 200,
    );
  }

  async function promotionsPage(request: FastifyRequest, reply: FastifyReply, refusal?: Refused) {
    const [promotions, plans] = await Promise.all([core.promotions.list(), core.catalog.listPlans()]);
    return sendHtml(
      reply,
      renderPromotionsPage({
        promotions,
        tiers: plans.filter((plan) => plan.kind === 'tier' && plan.prices.length > 0),
        defaultCurrency,
        refusal,
        draft: refusal?.draft,
        saved: refusal ? undefined : savedOf(request),
        actor: actorOf(request),
        csrfToken: reply.generateCsrf(),
      }),
      refusal?.status ?? 200,
    );
  }

  /** An unknown plan id gets the refusal page (404 with plan_not_found), never a 500. */
  async function planPageOrRefusal(request: FastifyRequest, reply: FastifyReply, planId: string, refusal?: Refused) {
    // planPage reads the plan itself: an unknown id is its refusal, not a second read first.
    try {
      return await planPage(request, reply, planId, refusal);
    } catch (error) {
      if (!isAppError(error) || error.code !== 'plan_not_found') throw error;
      return catalogPage(request, reply, refusalOf(error));
    }
  }

  const unknownPlan = { message: 'No plan has that id.', code: 'plan_not_found', status: 404 };
  const planIdOf = (request: FastifyRequest) => planParams.safeParse(request.params).data?.plan_id;

  app.get(catalogPath, getOptions, async (request, reply) => catalogPage(request, reply));

  app.post(catalogPath, postOptions, async (request, reply) => {
    try {
      const plan = await core.catalog.createPlan(readCreatePlanForm(request.body, defaultCurrency), actorOf(request));
      return reply.redirect(`${catalogPath}/${plan.id}?saved=created`, 303);
    } catch (error) {
      return catalogPage(request, reply, { ...refusalOf(error), draft: draftOf(request) });
    }
  });

  // Static paths are matched before the :plan_id pattern.
  app.get(promotionsPath, getOptions, async (request, reply) => promotionsPage(request, reply));

  app.post(promotionsPath, postOptions, async (request, reply) => {
    try {
      await core.promotions.create(readPromotionForm(request.body, defaultCurrency), actorOf(request));
      return reply.redirect(`${promotionsPath}?saved=promotion_created`, 303);
    } catch (error) {
      return promotionsPage(request, reply, { ...refusalOf(error), draft: draftOf(request) });
    }
  });

  app.post(`${promotionsPath}/:code/deactivate`, postOptions, async (request, reply) => {
    try {
      const code = z.object({ code: z.string().min(1).max(64) }).safeParse(request.params).data?.code;
      if (code === undefined) throw new FormInputError('code: no promo code has that name');
      await core.promotions.disable(code, actorOf(request));
      return reply.redirect(`${promotionsPath}?saved=promotion_deactivated`, 303);
    } catch (error) {
      return promotionsPage(request, reply, refusalOf(error));
    }
  });

  app.get(`${catalogPath}/:plan_id`, getOptions, async (request, reply) => {
    const planId = planIdOf(request);
    return planId === undefined ? catalogPage(request, reply, unknownPlan) : planPageOrRefusal(request, reply, planId);
  });

  /** Where each saved plan form lands on the page. */
  const anchors: Record<string, string> = {
    price: 'prices',
    archived: 'availability',
    unarchived: 'availability',
    access_added: 'access',
    access_removed: 'access',
  };

  /** One plan form: `change` reads the form and calls core; the page comes back with the refusal, or redirects. */
  function planForm(
    path: string,
    form: PlanForm | undefined,
    change: (request: FastifyRequest, planId: string) => Promise<string>,
  ) {
    app.post(`${catalogPath}/:plan_id${path}`, postOptions, async (request, reply) => {
      const planId = planIdOf(request);
      if (planId === undefined) return catalogPage(request, reply, unknownPlan);
      try {
        const saved = await change(request, planId);
        return reply.redirect(`${catalogPath}/${planId}?saved=${saved}#${anchors[saved] ?? 'details'}`, 303);
      } catch (error) {
        return planPageOrRefusal(request, reply, planId, { ...refusalOf(error), form, draft: draftOf(request) });
      }
    });
  }

  planForm('', 'details', async (request, planId) => {
    await core.catalog.updatePlan(planId, readEditPlanForm(request.body), actorOf(request));
    return 'details';
  });

  planForm('/prices', 'price', async (request, planId) => {
    await core.catalog.updatePlan(planId, readPriceForm(request.body, defaultCurrency), actorOf(request));
    return 'price';
  });

  planForm('/archive', undefined, async (request, planId) => {
    const { active } = readArchiveForm(request.body);
    await core.catalog.updatePlan(planId, { active }, actorOf(request));
    return active ? 'unarchived' : 'archived';
  });

  planForm('/access', 'access', async (request, planId) => {
    await core.access.resources.add(planId, readAccessResourceForm(request.body), actorOf(request));
    return 'access_added';
  });

  planForm('/access/:resource_id/remove', undefined, async (request, planId) => {
    const resourceId = z.object({ resource_id: z.uuid() }).safeParse(request.params).data?.resource_id;
    if (resourceId === undefined) throw new FormInputError('resource: no chat resource has that id');
    await core.access.resources.remove(planId, resourceId, actorOf(request));
    return 'access_removed';
  });
}
