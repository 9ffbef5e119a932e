import { describe, expect, it } from 'vitest';
import { compileRules } from '../../../electron/engine/publishRules.js';
import { headerChangeLabel, headersToSet } from '../../../electron/services/headerChanges.js';

describe('headerChangeLabel', () => {
  const cache = { set: { cacheControl: 'max-age=60' } };

  it('names what changes and where: a prefix with its count once listed', () => {
    expect(headerChangeLabel({ keys: [], prefixes: ['www/'], edit: cache }, 0, false)).toBe('Cache-Control on objects in www/');
    expect(headerChangeLabel({ keys: [], prefixes: ['www/'], edit: cache }, 500, true)).toBe('Cache-Control on 500 objects in www/');
    expect(headerChangeLabel({ keys: [], prefixes: ['www/', 'img/'], edit: cache }, 1, true)).toBe('Cache-Control on 1 object in www/ and 1 more');
    expect(headerChangeLabel({ keys: ['a.html', 'b.html'], prefixes: ['www/'], edit: cache }, 12_345, true)).toBe('Cache-Control on 12,345 objects (www/ and 2 more)');
  });

  it('names one key by itself', () => {
    expect(headerChangeLabel({ keys: ['site/index.html'], prefixes: [], edit: cache }, 1, true)).toBe('Cache-Control on site/index.html');
  });

  it('lists rules, set headers, metadata and removed names, the fourth and on as a count', () => {
    const rules = compileRules({ rules: [{ match: '**', headers: { 'Cache-Control': 'no-cache' } }] });
    expect(headerChangeLabel({ keys: ['k'], prefixes: [], edit: { set: { cacheControl: 'x', expires: 'y' } } }, 1, true)).toBe('Cache-Control and Expires on k');
    expect(headerChangeLabel({ keys: ['k'], prefixes: [], edit: { rules, set: { metadata: { build: '1' } }, remove: ['expires'] } }, 1, true)).toBe('Publishing rules, x-amz-meta-build and Expires on k');
    expect(headerChangeLabel({ keys: ['k'], prefixes: [], edit: { set: { contentType: 'a', cacheControl: 'b', contentLanguage: 'c' }, remove: ['expires'] } }, 1, true)).toBe('Content-Type, Cache-Control and 2 more headers on k');
  });
});

describe('headersToSet', () => {
  it('keeps the fields given, metadata names in lower case', () => {
    expect(headersToSet({ cacheControl: 'no-cache', metadata: { Build: '42', ' team ': 'web' } })).toEqual({ cacheControl: 'no-cache', metadata: { build: '42', team: 'web' } });
    expect(headersToSet({})).toEqual({});
  });

  it('refuses a storage class or canned ACL S3 does not have', () => {
    expect(() => headersToSet({ storageClass: 'COLD' })).toThrow(/x-amz-storage-class "COLD" is not one of/);
    expect(() => headersToSet({ acl: 'everyone' })).toThrow(/x-amz-acl "everyone" is not one of/);
    expect(headersToSet({ storageClass: 'STANDARD_IA', acl: 'public-read' })).toEqual({ storageClass: 'STANDARD_IA', acl: 'public-read' });
  });
});
