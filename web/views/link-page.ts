import { renderMessagePage } from './message-page.js';

/**
 * The page a member sees when a personal link cannot take them on (expired, tampered, plan
 * gone) or when there is nothing to redirect to. The stable code is shown so support can
 * tell what happened from a screenshot.
 */
export function renderLinkPage(input: { title: string; message: string; code?: string | undefined }): string {
  return renderMessagePage(input);
}
