// A listing read as several key ranges side by side, handed on page by page in key order.

import { rangesAfter, type ListRange } from './listRanges.js';
import type { ListPage } from './store.js';

export type PageLister = (input: { prefix: string; startAfter?: string; token?: string }) => Promise<ListPage>;

interface Part {
  range: ListRange;
  pages: ListPage[];
  token?: string;
  started: boolean;
  fetching: boolean;
  done: boolean;
}

/**
 * Lists `prefix` (with `delimiter`, when given) `inFlight` requests at a time: the first page shows
 * the keys' shape, the rest is cut into ranges there (rangesAfter), each listed on its own and cut
 * again when its own first page is full while fewer ranges wait than requests may run. Pages come
 * out in key order, each as soon as all before it are out; `inFlight` 1 lists page after page.
 * Stops at the first failure (thrown to the reader) or when the reader stops.
 */
export async function* listInParallel(list: PageLister, prefix: string, inFlight: number, delimiter?: string): AsyncGenerator<ListPage> {
  const parts: Part[] = [{ range: { prefix }, pages: [], started: false, fetching: false, done: false }];
  let failure: unknown;
  let running = 0;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  let stopped = false;

  const waiting = () => parts.filter((p) => !p.done && !p.fetching && !p.started).length;

  const fetch = async (part: Part) => {
    part.fetching = true;
    running++;
    try {
      const first = !part.started;
      part.started = true;
      const page = await list({ prefix: part.range.prefix, startAfter: part.token ? undefined : part.range.startAfter, token: part.token });
      if (stopped) return;
      part.pages.push(page);
      const seen = [...page.objects.map((o) => o.key), ...page.prefixes].sort();
      const last = seen.at(-1);
      if (!page.nextToken || last === undefined) part.done = true;
      else if (first && inFlight > 1 && waiting() < inFlight * 2) {
        // Cut what is left of this range where its first page shows the keys' shape.
        const rest = rangesAfter(part.range, last, seen, delimiter).map((range): Part => ({ range, pages: [], started: false, fetching: false, done: false }));
        part.done = true;
        parts.splice(parts.indexOf(part) + 1, 0, ...rest);
      } else part.token = page.nextToken;
    } catch (error) {
      failure ??= error;
    } finally {
      part.fetching = false;
      running--;
      notify();
    }
  };

  const schedule = () => {
    if (failure !== undefined || stopped) return;
    for (const part of parts) {
      if (running >= inFlight) return;
      if (!part.done && !part.fetching) void fetch(part);
    }
  };

  try {
    let index = 0;
    let seenPrefix: string | undefined;
    for (;;) {
      schedule();
      if (failure !== undefined) throw failure;
      const part = parts[index];
      if (!part) return;
      const page = part.pages.shift();
      if (page) {
        // A common prefix rolled up by two neighbouring ranges is handed on once.
        const prefixes = page.prefixes.filter((p) => p !== seenPrefix);
        if (page.prefixes.length > 0) seenPrefix = page.prefixes.at(-1);
        yield { objects: page.objects, prefixes };
        continue;
      }
      if (part.done && !part.fetching) {
        index++;
        continue;
      }
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    stopped = true;
  }
}
