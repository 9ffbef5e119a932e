// Runs the real `ferry` command line against the test account, as a user would.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { testAccount } from './s3.js';

const run = promisify(execFile);
export const repoRoot = path.resolve(import.meta.dirname, '../..');
const bin = path.join(repoRoot, 'bin/ferry.js');

/** Only what the command needs: the test account in AWS_* variables and a HOME of the test's own. */
export function cliEnv(home: string, overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  const account = testAccount();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    AWS_ACCESS_KEY_ID: account.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: account.credentials.secretAccessKey,
    AWS_REGION: account.endpoint.region,
    AWS_EC2_METADATA_DISABLED: 'true',
    // The integration-sdk project sends the data through the SDK client: so does the command line.
    ...(process.env.FERRY_DATA_PATH ? { FERRY_DATA_PATH: process.env.FERRY_DATA_PATH } : {}),
    ...overrides,
  };
  if (account.endpoint.endpoint) env.AWS_ENDPOINT_URL = account.endpoint.endpoint;
  return env;
}

function withAccountFlags(args: string[]): string[] {
  // `transfers` reads only the local journal, `--version` nothing: they take no account flags.
  const takesAccount = args[0] !== 'transfers' && args[0] !== '--version';
  return [bin, ...args, ...(takesAccount && testAccount().endpoint.forcePathStyle ? ['--path-style'] : [])];
}

export async function ferry(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, withAccountFlags(args), { env, cwd: repoRoot });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout: string; stderr: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Starts `ferry` without waiting, for tests that kill it mid-transfer. */
export function spawnFerry(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, withAccountFlags(args), { env, cwd: repoRoot, stdio: 'ignore' });
}

/**
 * Runs `ferry` and SIGKILLs it once `reached()` is true (polled every 10 ms, 60 s at most), as a
 * crash would stop it. Fails if the command ends by itself first.
 */
export async function killWhen(args: string[], env: NodeJS.ProcessEnv, reached: () => Promise<boolean>): Promise<void> {
  const child = spawnFerry(args, env);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  while (!(await reached())) {
    if (child.exitCode !== null) throw new Error('the transfer finished before it could be killed');
    if (Date.now() > deadline) throw new Error('the transfer made no progress');
    await new Promise((r) => setTimeout(r, 10));
  }
  child.kill('SIGKILL');
  await exited;
}
