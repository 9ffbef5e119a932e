// Long loops on the event loop give it back every few milliseconds. The engine shares the Electron
// main process with the window: a loop over 100,000 listed keys that never yields is a frozen app
// (planning a download of 100,000 objects held the loop for up to 0.45 s at a time).

import { setImmediate as nextTurn } from 'node:timers/promises';

/** How long a loop runs before it lets timers, I/O and the window's calls in. */
const SLICE_MS = 5;

/**
 * A loop's clock: `due()` says when the slice is used up (one clock read, cheap enough to ask on
 * every item); `yield()` then waits for the event loop's next turn and starts a new slice.
 * setImmediate, not a timer: it costs no idle millisecond, and a loop yielding from I/O or from its
 * own turn lets timers run within two slices.
 */
export class TimeSlice {
  private started = performance.now();

  constructor(private readonly sliceMs = SLICE_MS) {}

  due(): boolean {
    return performance.now() - this.started >= this.sliceMs;
  }

  async yield(): Promise<void> {
    await nextTurn();
    this.started = performance.now();
  }
}
