// Run as a child process with no reachable D-Bus: what Ferry's keychain and accounts do then.
// Prints one JSON line: the keychain status, and what saving an account did.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { AccountService } from '../../electron/services/accounts.js';
import { KeytarSecretStore } from '../../electron/services/secretStore.js';

const configDir = process.argv[2] as string;
const secrets = new KeytarSecretStore();
const status = await secrets.status();
const service = new AccountService(configDir, secrets, {});
let saveError: { code?: string; message: string } | undefined;
try {
  await service.save({ name: 'x', kind: 'aws', region: 'us-east-1', forcePathStyle: false, accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'probe-secret' });
} catch (error) {
  saveError = { code: (error as { code?: string }).code, message: (error as Error).message };
}
process.stdout.write(`${JSON.stringify({ status, saveError, settingsWritten: existsSync(path.join(configDir, 'accounts.json')) })}\n`);
