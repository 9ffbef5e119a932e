import { describe, expect, it } from 'vitest';
import { createS3Client } from '../../../electron/engine/s3/client.js';
import { DirectPath, keyPath } from '../../../electron/engine/s3/directPath.js';

function pathFor(endpoint: { region: string; endpoint?: string; forcePathStyle: boolean }): DirectPath {
  const client = createS3Client({ endpoint, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }, maxSockets: 4, idleTimeoutMs: 1_000 });
  return new DirectPath(client, { connections: 4, idleTimeoutMs: 1_000 });
}

describe('DirectPath routes (the SDK\'s endpoint resolution, no request made)', () => {
  it('AWS: virtual-host addressing in the region, signed for s3 there', async () => {
    const direct = pathFor({ region: 'eu-west-1', forcePathStyle: false });
    try {
      expect(await direct.route('my-bucket')).toMatchObject({ protocol: 'https:', host: 'my-bucket.s3.eu-west-1.amazonaws.com', basePath: '', signingRegion: 'eu-west-1', signingService: 's3' });
      // A dotted name cannot be a TLS host name: path style, as the SDK does.
      expect(await direct.route('my.dotted.bucket')).toMatchObject({ host: 's3.eu-west-1.amazonaws.com', basePath: '/my.dotted.bucket' });
    } finally {
      await direct.close();
    }
  });

  it('a custom endpoint with path style keeps its port and puts the bucket in the path', async () => {
    const direct = pathFor({ region: 'us-east-1', endpoint: 'http://127.0.0.1:18080', forcePathStyle: true });
    try {
      expect(await direct.route('bk')).toMatchObject({ protocol: 'http:', host: '127.0.0.1:18080', port: 18080, basePath: '/bk', signingRegion: 'us-east-1' });
    } finally {
      await direct.close();
    }
  });

  it('S3 Express directory buckets and ARNs are left to the SDK client', async () => {
    const direct = pathFor({ region: 'us-west-2', forcePathStyle: false });
    try {
      expect(await direct.route('logs--usw2-az1--x-s3')).toBeUndefined();
      expect(await direct.route('arn:aws:s3:us-west-2:123456789012:accesspoint/my-ap')).toBeUndefined();
      expect(await direct.route('ordinary-bucket')).toBeDefined();
    } finally {
      await direct.close();
    }
  });

  it('keys go in the path as the SDK writes them: each segment encoded, slashes kept', () => {
    expect(keyPath('a b/c+d%e#f?g&h=i')).toBe('a%20b/c%2Bd%25e%23f%3Fg%26h%3Di');
    expect(keyPath("x/!'()*~")).toBe('x/%21%27%28%29%2A~');
    expect(keyPath('../ü')).toBe('../%C3%BC');
  });
});
