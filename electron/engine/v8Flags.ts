// V8 settings for the processes that run the engine: the command line, the app's main process and
// the browser-hosted host (each calls tuneV8() at its start; flags are the process's, workers' too).

import { setFlagsFromString } from 'node:v8';

/**
 * undici parses HTTP with llhttp compiled to WebAssembly, when its first connection opens. V8
 * compiles it with its baseline compiler (Liftoff) and then, once it runs hot, again with its
 * optimizing one (TurboFan) on a background thread. That second compile of llhttp costs about
 * 0.25 CPU-seconds in every process, more than it saves: measured here on the discarding endpoint,
 * client on one core, alternating, a 256 MiB download took 1.91–2.19 CPU-s with it and 1.70–1.95
 * without, 1,000 small files 2.70–3.04 and 2.59–2.67. Liftoff's code parses a response's headers
 * in microseconds; a body's bytes are not parsed, only handed on.
 */
export const V8_FLAGS = '--liftoff-only';

/**
 * Applies V8_FLAGS. bin/ferry.js sets the same before it compiles the command line's bundle: V8's
 * code cache holds the flags it was made under and is refused under others.
 */
export function tuneV8(): void {
  setFlagsFromString(V8_FLAGS);
}
