// Cancellation plumbing: a transfer's own AbortController that follows its caller's signal.

import { setMaxListeners } from 'node:events';

/**
 * A controller aborted when `parent` aborts. Every request in flight listens to a transfer's
 * signal, so Node's listener warning (at 10) is lifted; `dispose` detaches from the parent once
 * the transfer ends, so a batch's signal does not collect one listener per finished file.
 */
export function followSignal(parent?: AbortSignal): { controller: AbortController; dispose: () => void } {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  if (!parent) return { controller, dispose: () => undefined };
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { controller, dispose: () => undefined };
  }
  const onAbort = () => controller.abort(parent.reason);
  parent.addEventListener('abort', onAbort, { once: true });
  return { controller, dispose: () => parent.removeEventListener('abort', onAbort) };
}

/** A signal that fires with either input; listener limit lifted for the same reason. */
export function anySignal(signals: AbortSignal[]): AbortSignal {
  const combined = AbortSignal.any(signals);
  setMaxListeners(0, combined);
  return combined;
}

/** `work`, or the signal's reason as soon as it aborts (what `work` does after that is not waited for). */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  let stop: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    stop = () => reject(signal.reason as Error);
    signal.addEventListener('abort', stop, { once: true });
  });
  return Promise.race([work, aborted]).finally(() => signal.removeEventListener('abort', stop as () => void));
}
