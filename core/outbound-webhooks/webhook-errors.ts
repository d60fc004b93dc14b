import { AppError } from '../errors.js';

export const endpointNotFound = () =>
  new AppError('webhook_endpoint_not_found', 'No such webhook endpoint.', { status: 404 });

export const deliveryNotFound = () =>
  new AppError('webhook_delivery_not_found', 'No such webhook delivery.', { status: 404 });

export const featureRequired = () =>
  new AppError('outbound_webhooks_required', 'Outbound webhooks come with the Pro plan and above; see /tiers.', {
    status: 403,
  });

export const endpointLimitReached = (limit: number) =>
  new AppError('webhook_endpoint_limit', `A member may register at most ${limit} webhook endpoints.`, {
    status: 409,
    context: { limit },
  });

export const endpointDisabled = () =>
  new AppError('webhook_endpoint_disabled', 'The endpoint is disabled; enable it first (PATCH enabled: true).', {
    status: 409,
  });

export const deliveryInProgress = () =>
  new AppError('webhook_delivery_in_progress', 'This delivery is being attempted right now; try again shortly.', {
    status: 409,
  });
