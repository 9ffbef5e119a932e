// `npm run serve`: Ferry in any browser. Starts the Node host on 127.0.0.1 and prints the address
// with its token, like a notebook server. On a headless machine near the bucket, reach it through
// an SSH tunnel (ssh -L 7413:127.0.0.1:7413 host) rather than by binding a public address.

import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultConfigDir } from '../services/accounts.js';
import { FerryService } from '../services/ferryService.js';
import { KeytarSecretStore } from '../services/secretStore.js';
import { startHost } from './server.js';
import { appAccount, resolveCliAccount, type CliAccount } from '../cli/account.js';
import { TransferEngine } from '../engine/engine.js';
import { Journal, defaultStateDir } from '../engine/journal.js';
import { RelayReceiver } from '../relay/receiver.js';
import { hostTls } from '../relay/tls.js';
import { tuneV8 } from '../engine/v8Flags.js';

// The SDK's notice that its 2027 releases need Node 22: versions are pinned, so it is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
tuneV8();

const root = path.resolve(import.meta.dirname, '..', '..');
const usage = `Usage: npm run serve -- [--port 7413] [--host 127.0.0.1] [--downloads DIR] [--config-dir DIR]
                         [--relay-account NAME] [--public-url URL] [--tls-cert FILE --tls-key FILE]

  --port           port to listen on (0: any free port)             default 7413
  --host           address to bind; anything but loopback is reachable by others, and served
                   over TLS only (--tls-cert/--tls-key, else a self-signed certificate whose
                   fingerprint the printed address carries for clients to pin)   default 127.0.0.1
  --downloads      the folder downloads land in (nothing is written outside it)  default ~/Downloads/Ferry
  --config-dir     where accounts (without their secrets) are kept   default FERRY_CONFIG_DIR, or the app's (~/.config/ferry)
  --relay-account  accept relay uploads (ferry upload --via, the app's "upload through relay")
                   and write them with this account of the app; without it, the AWS_* variables
                   when they are set (the Environment account), else no relay
  --public-url     the address clients use (a tunnel, proxy or load balancer): printed with the
                   token, and the only Host and Origin allowed besides loopback
  --tls-cert, --tls-key   PEM certificate and key to serve HTTPS with`;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** The relay's account: the app's account named, else the Environment's when AWS_* keys are set, else none. */
async function relayAccount(name: string | undefined, configDir: string): Promise<{ account: CliAccount; label: string } | undefined> {
  const env = { ...process.env, FERRY_CONFIG_DIR: configDir };
  if (name !== undefined) return { account: await appAccount(name, env), label: `the account "${name}"` };
  if (process.env.AWS_ACCESS_KEY_ID) return { account: await resolveCliAccount({}, process.env), label: 'the Environment account (AWS_* variables)' };
  return undefined;
}


async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string', default: '7413' },
        host: { type: 'string', default: '127.0.0.1' },
        downloads: { type: 'string', default: path.join(os.homedir(), 'Downloads', 'Ferry') },
        'config-dir': { type: 'string', default: defaultConfigDir() },
        'relay-account': { type: 'string' },
        'public-url': { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
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
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail('--port must be a number from 0 to 65535');
  const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const service = new FerryService({
    version,
    mode: 'browser',
    configDir: path.resolve(values['config-dir']),
    stateDir: defaultStateDir(),
    downloadFolder: path.resolve(values.downloads),
    secrets: new KeytarSecretStore(),
  });
  let publicUrl: URL | undefined;
  if (values['public-url'] !== undefined) {
    publicUrl = URL.canParse(values['public-url']) ? new URL(values['public-url']) : undefined;
    if (!publicUrl || !['http:', 'https:'].includes(publicUrl.protocol)) fail(`--public-url must be an http(s) URL such as https://relay.example.com/, not "${values['public-url']}"`);
  }
  const beyondLoopback = !LOOPBACK.has(values.host);
  const tls =
    beyondLoopback || values['tls-cert'] !== undefined || values['tls-key'] !== undefined
      ? await hostTls({ certFile: values['tls-cert'], keyFile: values['tls-key'] }, [publicUrl?.hostname, values.host, 'localhost', '127.0.0.1'].filter((n): n is string => n !== undefined && n !== '0.0.0.0' && n !== '::'))
      : undefined;
  const relay = await relayAccount(values['relay-account'], path.resolve(values['config-dir']));
  const relayEngine = relay && new TransferEngine({ endpoint: relay.account.endpoint, credentials: relay.account.credentials, journal: new Journal(defaultStateDir()) });
  const host = await startHost({
    service,
    rendererDir: path.join(root, 'dist', 'renderer'),
    port,
    host: values.host,
    publicUrl: publicUrl?.href,
    tls,
    relay: relayEngine && new RelayReceiver(relayEngine, new Journal(path.join(defaultStateDir(), 'relay'))),
  });
  const keychain = await service.call('app.info', {});
  if (keychain.ok && 'keychain' in keychain.value && !keychain.value.keychain.available) process.stderr.write(`ferry serve: ${keychain.value.keychain.message}\n`);
  if (beyondLoopback) {
    process.stderr.write(`ferry serve: listening on ${values.host.includes(':') ? `[${values.host}]` : values.host}:${host.port}: anyone who can reach it and has the token controls your accounts.\n`);
  }
  const certificate = tls ? `\n${tls.selfSigned ? 'Self-signed certificate' : 'Certificate'} SHA-256 fingerprint: ${tls.fingerprint}${tls.selfSigned ? ' (the address carries it as pin=…: ferry upload --via checks it)' : ''}.` : '';
  const relayLine = relay ? `Relay uploads are accepted (ferry upload … --via ${host.url}) and written with ${relay.label}.` : 'Relay uploads are off: --relay-account NAME, or AWS_* variables, turns them on.';
  process.stdout.write(`Ferry is running. Open:\n\n  ${host.url}\n${certificate}\n${relayLine}\nDownloads go to ${path.resolve(values.downloads)}. Ctrl+C stops.\n`);
  const stop = () => {
    relayEngine?.close();
    void service
      .close()
      .then(() => host.close())
      .then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function fail(message: string): never {
  process.stderr.write(`ferry serve: ${message}\n`);
  process.exit(2);
}

main().catch((error: unknown) => {
  process.stderr.write(`ferry serve: ${(error as Error).message}\n`);
  process.exit(1);
});
