// Makes sure an S3 server answers before integration tests: the one named by FERRY_TEST_* variables,
// or the project's local Swift, started here (and stopped afterwards if this run started it).

import { execFileSync } from 'node:child_process';
import path from 'node:path';

const script = path.resolve(import.meta.dirname, '../../scripts/s3-server.sh');
let startedHere = false;

export function setup(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  if (process.env.FERRY_TEST_ENDPOINT || process.env.FERRY_TEST_USE_AWS) return;
  let running: boolean;
  try {
    execFileSync('bash', [script, 'status'], { stdio: 'ignore' });
    running = true;
  } catch {
    running = false;
  }
  if (!running) {
    execFileSync('bash', [script, 'start'], { stdio: 'inherit' });
    startedHere = true;
  }
  const env = execFileSync('bash', [script, 'env'], { encoding: 'utf8' });
  for (const line of env.split('\n')) {
    const match = /^export ([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match?.[1]) process.env[match[1]] = match[2];
  }
}

export function teardown(): void {
  if (startedHere && !process.env.FERRY_TEST_KEEP_SERVER) execFileSync('bash', [script, 'stop'], { stdio: 'inherit' });
}
