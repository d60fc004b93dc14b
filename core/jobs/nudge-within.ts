/** How long a request path waits for a nudge after its change is already durable. */
export const nudgeBoundMs = 500;

/**
 * Waits for a nudge at most `boundMs`, and never fails: the change it points at is committed,
 * and the sweepers find whatever a lost or late nudge leaves behind. So a slow or broken queue
 * can neither hold the answer nor turn a committed change into an error.
 */
export async function nudgeWithin(
  nudge: () => Promise<void>,
  onFailure: (error: unknown) => void = () => undefined,
  boundMs = nudgeBoundMs,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, boundMs);
  });
  // Called inside the promise chain, so even a synchronous throw is a failure, not an escape.
  const sent = Promise.resolve()
    .then(nudge)
    .catch((error: unknown) => onFailure(error));
  await Promise.race([sent, bound]);
  clearTimeout(timer);
}
