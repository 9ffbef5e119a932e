// Preload: the one bridge from the sandboxed renderer to the main process, exposed as window.ferry.
//
// A sandboxed preload is loaded as CommonJS with a reduced require() (electron, events, timers,
// url) and no file system, so this file is not emitted as the ESM that tsc would produce here. It
// is bundled into a single CommonJS file beside main.js:
//   esbuild electron/preload.ts --bundle --platform=node --format=cjs --external:electron
//     --outfile=dist/electron/preload.cjs
// Keep its imports to `electron` and type-only imports so the bundle stays self-contained.
import { contextBridge } from 'electron';

/** What the renderer may call. A placeholder until the IPC contract moves to shared/ with the app issue. */
export interface FerryApi {
  /** Ferry's version, from package.json. */
  readonly version: string;
}

// main.ts passes this flag through webPreferences.additionalArguments.
const VERSION_ARG = '--ferry-version=';

function argumentValue(prefix: string): string | undefined {
  return process.argv.find((arg) => arg.startsWith(prefix))?.slice(prefix.length);
}

const api: FerryApi = Object.freeze({
  version: argumentValue(VERSION_ARG) ?? 'unknown',
});

contextBridge.exposeInMainWorld('ferry', api);
