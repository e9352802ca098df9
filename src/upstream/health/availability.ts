/**
 * Which endpoints take traffic: the available ones (healthy by the active checks and not ejected),
 * unless fewer than `panicThresholdPercent` of all are available. Then the upstream is in panic and
 * balances over all of them, as Envoy does: sending to endpoints that may be bad beats failing
 * every call because health checking itself may be wrong.
 */
export interface Candidates<E> {
  readonly endpoints: readonly E[];
  readonly panic: boolean;
}

export function selectCandidates<E extends { readonly health: { isAvailable(now: number): boolean } }>(
  all: readonly E[],
  panicThresholdPercent: number,
  now = Date.now(),
): Candidates<E> {
  let count = 0;
  for (const endpoint of all) if (endpoint.health.isAvailable(now)) count++;
  // The common case, every endpoint available, allocates nothing.
  if (count === all.length) return { endpoints: all, panic: false };
  const available = all.filter((endpoint) => endpoint.health.isAvailable(now));
  const panic = available.length === 0 || (available.length * 100) / all.length < panicThresholdPercent;
  return panic ? { endpoints: all, panic: true } : { endpoints: available, panic: false };
}
