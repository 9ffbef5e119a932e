import { describe, expect, it } from 'vitest';
import { checkEdit, currentHeaders, editedHeaders, sameHeaders } from '../../../electron/engine/headerChange.js';
import { parseRules } from '../../../electron/engine/publishRules.js';
import type { ObjectInfo } from '../../../electron/engine/s3/store.js';

const info = (over: Partial<ObjectInfo> = {}): ObjectInfo => ({
  key: 'www/app.3f9a1c2b.js',
  size: 10,
  etag: 'e',
  headers: { contentType: 'text/javascript', cacheControl: 'no-cache', contentDisposition: undefined, metadata: { build: '7', owner: 'ann' } },
  ...over,
});

describe('a header edit', () => {
  it('keeps every header and metadata entry it does not name', () => {
    const before = currentHeaders(info());
    expect(before).toEqual({ contentType: 'text/javascript', cacheControl: 'no-cache', metadata: { build: '7', owner: 'ann' } });
    const after = editedHeaders(before, 'www/app.3f9a1c2b.js', { set: { cacheControl: 'max-age=60', metadata: { owner: 'bo' } } });
    expect(after).toEqual({ contentType: 'text/javascript', cacheControl: 'max-age=60', metadata: { build: '7', owner: 'bo' } });
    expect(before.cacheControl).toBe('no-cache');
  });

  it('applies rules on the key below the base, then the flags over them, then removals', () => {
    const rules = parseRules('{"rules": [{"match": "*.js", "headers": {"Cache-Control": "immutable", "Content-Language": "en"}}]}', 'rules.json');
    const before = currentHeaders(info());
    expect(editedHeaders(before, 'www/app.3f9a1c2b.js', { rules, rulesBase: 'www/' })).toMatchObject({ cacheControl: 'immutable', contentLanguage: 'en' });
    // Without the base, the key is www/app… and "*.js" does not match across the slash.
    expect(editedHeaders(before, 'www/app.3f9a1c2b.js', { rules })).toEqual(before);
    const edited = editedHeaders(before, 'www/app.3f9a1c2b.js', { rules, rulesBase: 'www/', set: { cacheControl: 'max-age=5' }, remove: ['Content-Language', 'x-amz-meta-build'] });
    expect(edited).toEqual({ contentType: 'text/javascript', cacheControl: 'max-age=5', metadata: { owner: 'ann' } });
  });

  it('keeps a storage class other than STANDARD, and treats STANDARD as the default', () => {
    expect(currentHeaders(info({ storageClass: 'STANDARD_IA' })).storageClass).toBe('STANDARD_IA');
    expect(currentHeaders(info({ storageClass: 'STANDARD' })).storageClass).toBeUndefined();
  });

  it('compares headers with metadata in any order; an ACL always copies (HEAD cannot show it)', () => {
    expect(sameHeaders({ metadata: { a: '1', b: '2' } }, { metadata: { b: '2', a: '1' } })).toBe(true);
    expect(sameHeaders({ metadata: { a: '1' } }, { metadata: { a: '1', b: '2' } })).toBe(false);
    expect(sameHeaders({ cacheControl: 'x' }, { cacheControl: 'y' })).toBe(false);
    expect(sameHeaders({}, { acl: 'public-read' })).toBe(false);
  });

  it('refuses what cannot be sent before anything is read', () => {
    expect(() => checkEdit({ remove: ['X-Frame-Options'] })).toThrow(/not a header Ferry changes/);
    expect(() => checkEdit({ set: { cacheControl: 'max-âge' } })).toThrow(/plain ASCII/);
    expect(() => checkEdit({ set: { expires: 'soon' } })).toThrow(/Expires must be a date/);
  });
});
