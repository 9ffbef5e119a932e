// A relay host in a process of its own for bench/relay.ts: a FerryService and the
// host's server with a relay receiver writing to ENDPOINT with the test keys; prints
// {"port":…,"token":…} on its first line and runs until killed.
//   npx tsx bench/relayHost.ts ENDPOINT PUBLIC_URL STATE_DIR

import path from 'node:path';
import { TransferEngine } from '../electron/engine/engine.js';
import { Journal } from '../electron/engine/journal.js';
import { startHost } from '../electron/host/server.js';
import { RelayReceiver } from '../electron/relay/receiver.js';
import { FerryService } from '../electron/services/ferryService.js';
import type { SecretStore } from '../electron/services/secretStore.js';

const [endpoint = 'http://127.0.0.1:18080', publicUrl, dir = '/tmp/ferry-relay-host'] = process.argv.slice(2);
const env = process.env;
const credentials = { accessKeyId: env.FERRY_TEST_ACCESS_KEY ?? 'test:tester', secretAccessKey: env.FERRY_TEST_SECRET_KEY ?? 'testing' };
const noSecrets: SecretStore = { status: () => Promise.resolve({ available: true }), get: () => Promise.resolve(null), set: () => Promise.resolve(), delete: () => Promise.resolve() };

async function main(): Promise<void> {
  const engine = new TransferEngine({ endpoint: { endpoint, region: 'us-east-1', forcePathStyle: true }, credentials, journal: new Journal(path.join(dir, 'engine-state')) });
  const service = new FerryService({ version: 'probe', mode: 'browser', configDir: path.join(dir, 'config'), stateDir: path.join(dir, 'state'), downloadFolder: dir, secrets: noSecrets, env: {} });
  const host = await startHost({ service, rendererDir: path.join(dir, 'none'), port: 0, relay: new RelayReceiver(engine, new Journal(path.join(dir, 'relay-state'))), publicUrl });
  console.log(JSON.stringify({ port: host.port, token: host.token }));
}

void main();
process.on('SIGTERM', () => process.exit(0));
