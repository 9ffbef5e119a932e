// The renderer's build (renderer/vite.config.ts) writes the Content-Security-Policy into the page,
// since Electron loads it from file://, where no response header applies.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../../shared/contentSecurityPolicy.js';

const root = path.resolve(import.meta.dirname, '../../..');

/** Each tag's name and attributes, in document order (the built page is small and regular). */
function tags(html: string): { name: string; attrs: Record<string, string> }[] {
  const entities: Record<string, string> = { '&quot;': '"', '&#39;': "'", '&#x27;': "'", '&lt;': '<', '&gt;': '>', '&amp;': '&' };
  const decode = (value: string) => value.replace(/&(?:quot|#39|#x27|lt|gt|amp);/g, (entity) => entities[entity] ?? entity);
  return [...html.matchAll(/<([a-z]+)\b([^>]*)>/gi)].map(([, name = '', rest = '']) => ({
    name: name.toLowerCase(),
    attrs: Object.fromEntries([...rest.matchAll(/([^\s=/]+)(?:\s*=\s*"([^"]*)")?/g)].map(([, key = '', value = '']) => [key.toLowerCase(), decode(value)])),
  }));
}

describe('the built renderer page', () => {
  let outDir: string;
  let html: string;

  beforeAll(async () => {
    outDir = await mkdtemp(path.join(tmpdir(), 'ferry-renderer-'));
    await build({ configFile: path.join(root, 'renderer/vite.config.ts'), logLevel: 'silent', build: { outDir, emptyOutDir: true } });
    html = await readFile(path.join(outDir, 'index.html'), 'utf8');
  }, 120_000);

  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('carries exactly the policy of shared/contentSecurityPolicy.ts in one meta tag, before any script or style', () => {
    const all = tags(html);
    const policies = all.filter((tag) => tag.name === 'meta' && tag.attrs['http-equiv']?.toLowerCase() === 'content-security-policy');
    expect(policies.map((tag) => tag.attrs.content)).toEqual([CONTENT_SECURITY_POLICY]);
    const policyAt = all.findIndex((tag) => policies.includes(tag));
    const firstResource = all.findIndex((tag) => tag.name === 'script' || tag.name === 'link' || tag.name === 'style');
    expect(firstResource).toBeGreaterThan(policyAt);
  });
});
