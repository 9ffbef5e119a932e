// The clients a benchmark runs, each as a child process measured from outside (wall time, CPU
// seconds and peak RSS by /usr/bin/time): Ferry's command line, the AWS CLI v2, rclone, and
// @aws-sdk/lib-storage's Upload with its defaults (bench/libStorageClient.ts), and on the discarding
// endpoint the ceiling: a plain parallel client that only moves bytes (bench/ceilingClient.ts).

import path from 'node:path';

export type Tool = 'ferry' | 'ferry-sdk' | 'awscli' | 'rclone' | 'lib-storage' | 'ceiling';
export type Direction = 'up' | 'down';

export interface Endpoint {
  url: string;
  accessKey: string;
  secretKey: string;
  region: string;
}

export interface Command {
  file: string;
  args: string[];
  env: Record<string, string>;
}

const root = path.resolve(import.meta.dirname, '..');

/**
 * The command that moves `local` (a file or a folder) to or from `s3://bucket/key` (a key, or a
 * prefix ending in '/'), using each tool's own defaults apart from what is needed to reach the server.
 */
export function commandFor(tool: Tool, direction: Direction, endpoint: Endpoint, local: string, bucket: string, key: string, folder: boolean): Command {
  const awsEnv = {
    AWS_ACCESS_KEY_ID: endpoint.accessKey,
    AWS_SECRET_ACCESS_KEY: endpoint.secretKey,
    AWS_REGION: endpoint.region,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const remote = `s3://${bucket}/${key}`;
  switch (tool) {
    case 'ferry':
    case 'ferry-sdk': {
      // What a user runs: bin/ferry.js loading the one-file bundle (built before the runs, so none is built during one).
      // ferry-sdk: the same with object data sent through the SDK client (--data-path sdk).
      const cli = path.join(root, 'bin', 'ferry.js');
      const args = direction === 'up' ? ['upload', local, remote] : ['download', remote, local];
      const dataPath = tool === 'ferry-sdk' ? ['--data-path', 'sdk'] : [];
      return { file: process.execPath, args: [cli, ...args, '--endpoint', endpoint.url, '--path-style', '-q', ...dataPath], env: { ...awsEnv, FERRY_STATE_DIR: path.join(root, '.tmp', 'bench-state') } };
    }
    case 'awscli': {
      const args = direction === 'up' ? ['s3', 'cp', local, remote] : ['s3', 'cp', remote, local];
      if (folder) args.push('--recursive');
      return { file: '/usr/bin/aws', args: ['--endpoint-url', endpoint.url, ...args, '--only-show-errors'], env: awsEnv };
    }
    case 'rclone': {
      const target = `bench:${bucket}/${key}`;
      const args = direction === 'up' ? [folder ? 'copy' : 'copyto', local, target] : [folder ? 'copy' : 'copyto', target, local];
      return {
        file: '/usr/bin/rclone',
        args: [...args, '--config', '/dev/null'],
        env: {
          RCLONE_CONFIG_BENCH_TYPE: 's3',
          RCLONE_CONFIG_BENCH_PROVIDER: 'Other',
          RCLONE_CONFIG_BENCH_ENDPOINT: endpoint.url,
          RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: endpoint.accessKey,
          RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: endpoint.secretKey,
          RCLONE_CONFIG_BENCH_REGION: endpoint.region,
          RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE: 'true',
        },
      };
    }
    case 'ceiling': {
      const client = path.join(root, 'dist-bench', 'bench', 'ceilingClient.js');
      return { file: process.execPath, args: [client, direction, endpoint.url, bucket, key, local], env: {} };
    }
    case 'lib-storage': {
      const client = path.join(root, 'dist-bench', 'bench', 'libStorageClient.js');
      return { file: process.execPath, args: [client, direction, endpoint.url, bucket, key, local], env: awsEnv };
    }
  }
}
