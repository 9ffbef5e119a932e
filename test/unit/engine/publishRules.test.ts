import { describe, expect, it } from 'vitest';
import type { UploadPlan } from '../../../electron/engine/batchPlan.js';
import { applyRules, parseRules, presetRules, relativeKey, setHeaderLine } from '../../../electron/engine/publishRules.js';
import type { ObjectHeaders } from '../../../shared/transfer.js';

const YEAR = 'public, max-age=31536000, immutable';

describe('publishing rules', () => {
  it('the static-site preset: HTML and JSON revalidated, hashed names a year, the rest an hour', () => {
    const rules = presetRules('static-site');
    const cache = (key: string) => rules?.headersFor(key)?.cacheControl;
    expect(cache('index.html')).toBe('no-cache');
    expect(cache('docs/guide/page.htm')).toBe('no-cache');
    expect(cache('api/data.json')).toBe('no-cache');
    expect(cache('assets/app.3f9a1c2b.js')).toBe(YEAR);
    expect(cache('main-3F9A1C2B0D.css')).toBe(YEAR);
    expect(cache('fonts/inter.0123abcd.woff2')).toBe(YEAR);
    // Seven hex digits, or a word that is not hex: not a content hash.
    expect(cache('app.3f9a1c2.js')).toBe('public, max-age=3600');
    expect(cache('my-document.pdf')).toBe('public, max-age=3600');
    expect(cache('.well-known/security.txt')).toBe('public, max-age=3600');
    expect(cache('README')).toBe('public, max-age=3600');
    expect(presetRules('nope')).toBeUndefined();
  });

  it('reads a rules file: the first matching rule wins, header names in any case, metadata and storage class', () => {
    const rules = parseRules(
      JSON.stringify({
        rules: [
          { match: 'assets/**', headers: { 'cache-control': 'max-age=60', 'X-Amz-Meta-Owner': 'web', 'x-amz-storage-class': 'STANDARD_IA', 'x-amz-acl': 'public-read' } },
          { match: '**/*.html', headers: { 'Cache-Control': 'no-cache', 'Content-Type': 'text/html; charset=utf-8', 'Content-Language': 'fr' } },
          { match: '**', headers: { Expires: 'Wed, 21 Oct 2026 07:28:00 GMT', 'Content-Disposition': 'attachment', 'Content-Encoding': 'gzip' } },
        ],
      }),
      'rules.json',
    );
    expect(rules.headersFor('assets/a.html')).toEqual({ cacheControl: 'max-age=60', metadata: { owner: 'web' }, storageClass: 'STANDARD_IA', acl: 'public-read' });
    expect(rules.headersFor('b/a.html')).toEqual({ cacheControl: 'no-cache', contentType: 'text/html; charset=utf-8', contentLanguage: 'fr' });
    expect(rules.headersFor('x.bin')).toEqual({ expires: 'Wed, 21 Oct 2026 07:28:00 GMT', contentDisposition: 'attachment', contentEncoding: 'gzip' });
  });

  it('refuses what it cannot use with the line and the reason', () => {
    const refusal = (text: string) => {
      try {
        parseRules(text, 'rules.json');
      } catch (error) {
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(refusal('{"rules": [\n  {"match": "a", "headers": {}},\n  {"match": "b" "headers": {}}\n]}')).toMatch(/^rules\.json:3: not valid JSON \(CommaExpected\)/);
    expect(refusal('[]')).toMatch(/^rules\.json:1: a rules file is an object/);
    expect(refusal('{"rulez": []}')).toMatch(/^rules\.json:1: "rules" must be a list/);
    expect(refusal('{"rules": [\n  {"match": "**",\n   "headers": {\n     "Cache-Control": "no-cache",\n     "X-Frame-Options": "DENY"}}]}')).toBe(
      'rules.json:5: "X-Frame-Options" is not a header Ferry sets (cache-control, content-type, content-encoding, content-disposition, content-language, expires, x-amz-storage-class, x-amz-acl, x-amz-meta-<name>).',
    );
    expect(refusal('{"rules": [\n {"match": "**", "headers": {"x-amz-storage-class": "COLD"}}]}')).toMatch(/^rules\.json:2: x-amz-storage-class "COLD" is not one of STANDARD/);
    expect(refusal('{"rules": [\n {"match": "**", "headers": {"Cache-Control": 60}}]}')).toBe('rules.json:2: the value of "Cache-Control" must be a string.');
    expect(refusal('{"rules": [\n {"glob": "**", "headers": {}}]}')).toBe('rules.json:2: unknown field "glob" in a rule (a rule has "match" and "headers").');
    expect(refusal('{"rules": [\n {"headers": {}}]}')).toBe('rules.json:2: "match" must be a glob such as "**/*.html".');
    expect(refusal('{"rules": [\n {"match": "**", "headers": {"Cache-Control": "max-age=60 ü"}}]}')).toMatch(/^rules\.json:2: Cache-Control/);
    expect(refusal('{"rules": [\n {"match": "**", "headers": {"Expires": "tomorrow"}}]}')).toMatch(/^rules\.json:2: Expires must be a date/);
  });

  it('takes --header "Name: value"', () => {
    const headers: ObjectHeaders = {};
    setHeaderLine(headers, 'Cache-Control: public, max-age=60');
    setHeaderLine(headers, 'x-amz-meta-Build:  42 ');
    expect(headers).toEqual({ cacheControl: 'public, max-age=60', metadata: { build: '42' } });
    expect(() => setHeaderLine(headers, 'no colon')).toThrow(/--header takes "Name: value"/);
  });

  it("gives each file its name's type, then its rule's headers, then the flags'", () => {
    const plan: UploadPlan = {
      bucket: 'b',
      sources: ['/site'],
      destination: 'www/',
      files: [
        { source: '/site/index.html', bucket: 'b', key: 'www/site/index.html', size: 1, mtimeMs: 0, headers: { contentType: 'text/html; charset=utf-8' } },
        { source: '/site/app.0123abcd.js', bucket: 'b', key: 'www/site/app.0123abcd.js', size: 1, mtimeMs: 0, headers: { contentType: 'text/javascript; charset=utf-8' } },
      ],
      folderMarkers: [],
      folderPrefixes: ['www/site/'],
      skipped: [],
    };
    const rules = parseRules('{"rules": [{"match": "site/*.html", "headers": {"Cache-Control": "no-cache", "x-amz-meta-a": "rule"}}]}', 'r.json');
    const [html, js] = applyRules(plan, rules, { contentLanguage: 'en', metadata: { b: 'flag' } }).files;
    expect(html?.headers).toEqual({ contentType: 'text/html; charset=utf-8', cacheControl: 'no-cache', contentLanguage: 'en', metadata: { a: 'rule', b: 'flag' } });
    expect(js?.headers).toEqual({ contentType: 'text/javascript; charset=utf-8', contentLanguage: 'en', metadata: { b: 'flag' } });
    expect(applyRules(plan, rules, { cacheControl: 'max-age=5' }).files[0]?.headers?.cacheControl).toBe('max-age=5');
  });

  it('sees keys below the destination prefix', () => {
    expect(relativeKey({ destination: 'www/', sources: ['/a'] }, 'www/a/b.html')).toBe('a/b.html');
    expect(relativeKey({ destination: 'www', sources: ['/a', '/b'] }, 'www/a')).toBe('a');
    expect(relativeKey({ destination: '', sources: ['/a'] }, 'a/b.html')).toBe('a/b.html');
    expect(relativeKey({ destination: 'exact/name.txt', sources: ['/x.txt'] }, 'exact/name.txt')).toBe('name.txt');
  });
});
