// `npm run serve`: Ferry in any browser. Starts the Node host on 127.0.0.1 and prints the address
// with its token, like a notebook server. On a headless machine near the bucket, reach it through
// an SSH tunnel (ssh -L 7413:127.0.0.1:7413 host) rather than by binding a public address.

import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultStateDir } from '../engine/journal.js';
import { defaultConfigDir } from '../services/accounts.js';
import { FerryService } from '../services/ferryService.js';
import { KeytarSecretStore } from '../services/secretStore.js';
import { startHost } from './server.js';
import { tuneV8 } from '../engine/v8Flags.js';

// The SDK's notice that its 2027 releases need Node 22: versions are pinned, so it is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
tuneV8();

const root = path.resolve(import.meta.dirname, '..', '..');
const usage = `Usage: npm run serve -- [--port 7413] [--host 127.0.0.1] [--downloads DIR] [--config-dir DIR]

  --port        port to listen on (0: any free port)             default 7413
  --host        address to bind; anything but loopback is reachable by others    default 127.0.0.1
  --downloads   the folder downloads land in (nothing is written outside it)     default ~/Downloads/Ferry
  --config-dir  where accounts (without their secrets) are kept   default FERRY_CONFIG_DIR, or the app's (~/.config/ferry)`;


async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string', default: '7413' },
        host: { type: 'string', default: '127.0.0.1' },
        downloads: { type: 'string', default: path.join(os.homedir(), 'Downloads', 'Ferry') },
        'config-dir': { type: 'string', default: defaultConfigDir() },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    process.stderr.write(`ferry serve: ${(error as Error).message}\n${usage}\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`ferry serve: --port must be a number from 0 to 65535\n`);
    process.exit(2);
  }
  const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const service = new FerryService({
    version,
    mode: 'browser',
    configDir: path.resolve(values['config-dir']),
    stateDir: defaultStateDir(),
    downloadFolder: path.resolve(values.downloads),
    secrets: new KeytarSecretStore(),
  });
  const host = await startHost({ service, rendererDir: path.join(root, 'dist', 'renderer'), port, host: values.host });
  const keychain = await service.call('app.info', {});
  if (keychain.ok && 'keychain' in keychain.value && !keychain.value.keychain.available) process.stderr.write(`ferry serve: ${keychain.value.keychain.message}\n`);
  if (!['127.0.0.1', 'localhost', '::1'].includes(values.host)) {
    process.stderr.write(`ferry serve: listening on ${values.host}: anyone who can reach it and has the token controls your accounts.\n`);
  }
  process.stdout.write(`Ferry is running. Open:\n\n  ${host.url}\n\nDownloads go to ${path.resolve(values.downloads)}. Ctrl+C stops.\n`);
  const stop = () => {
    void service
      .close()
      .then(() => host.close())
      .then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`ferry serve: ${(error as Error).message}\n`);
  process.exit(1);
});
