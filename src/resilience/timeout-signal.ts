/**
 * A signal that aborts when `parent` does or after `ms`, whichever comes first.
 *
 * Why not `AbortSignal.any([parent, AbortSignal.timeout(ms)])`: on Node 20 the timeout signal
 * inside `any()` is only weakly held and can be garbage collected before it fires
 * (nodejs/node#57736), and then a deadline silently never comes. Here the timer holds the
 * controller strongly; `run` clears both timer and listener when the work settles, so nothing leaks.
 */
export async function runWithTimeout<T>(parent: AbortSignal, ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  if (parent.aborted) controller.abort(parent.reason);
  const onAbort = (): void => controller.abort(parent.reason);
  parent.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new DOMException('The operation timed out.', 'TimeoutError')), ms);
  try {
    return await work(controller.signal);
  } finally {
    clearTimeout(timer);
    parent.removeEventListener('abort', onAbort);
  }
}
