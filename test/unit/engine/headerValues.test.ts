import { describe, expect, it } from 'vitest';
import { decodeMetadata, encodeContentDisposition, wireHeaders } from '../../../electron/engine/headerValues.js';

describe('wireHeaders', () => {
  it('encodes a non-ASCII Content-Disposition file name as RFC 6266 filename* with an ASCII fallback', () => {
    const wire = encodeContentDisposition('attachment; filename="报告.pdf"');
    expect(wire).toBe(`attachment; filename="??.pdf"; filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf`);
    expect(wire).toMatch(/^[\x20-\x7e]*$/);
    expect(encodeContentDisposition('inline; filename="Ünïcödé résumé.txt"')).toMatch(/^inline; filename="[^"]*"; filename\*=UTF-8''%C3%9Cn/);
  });

  it('passes ASCII values through untouched', () => {
    const headers = { cacheControl: 'public, max-age=31536000', contentDisposition: 'attachment; filename="a b.pdf"', metadata: { owner: 'ops' } };
    expect(wireHeaders(headers)).toEqual({ ...headers, contentType: undefined, contentEncoding: undefined, contentLanguage: undefined, expires: undefined });
  });

  it('sends metadata values in any language as RFC 2047 encoded words, and reads them back', () => {
    const wire = wireHeaders({ metadata: { title: 'Quartalsbericht für 2026 — 报告' } });
    const value = wire?.metadata?.title ?? '';
    expect(value).toContain('=?UTF-8?B?');
    expect(value).toMatch(/^[\x20-\x7e]*$/);
    for (const word of value.split(' ')) expect(word.length).toBeLessThanOrEqual(75);
    expect(decodeMetadata(wire?.metadata)).toEqual({ title: 'Quartalsbericht für 2026 — 报告' });
  });

  it('refuses what cannot be sent, at once, saying how to write it', () => {
    expect(() => wireHeaders({ cacheControl: 'max-age=60 – public' })).toThrow(/Cache-Control must be plain ASCII text.*"–"/);
    expect(() => wireHeaders({ metadata: { 'bad name': 'x' } })).toThrow(/metadata name "bad name" cannot be sent/);
    expect(() => wireHeaders({ metadata: { a: 'line\nbreak' } })).toThrow(/control character \(U\+000A\)/);
    expect(() => wireHeaders({ contentDisposition: 'attachment; filename="报告.pdf"\r\nX-Evil: 1' })).toThrow(/cannot contain/);
    expect(() => wireHeaders({ contentDisposition: 'attachment; ===报告' })).toThrow(/not valid.*attachment; filename="name.pdf"/);
    expect(() => wireHeaders({ expires: 'tomorrow' })).toThrow(/Expires must be a date/);
    try {
      wireHeaders({ contentLanguage: 'français' });
    } catch (error) {
      expect(error).toMatchObject({ code: 'InvalidInput', retryable: false });
    }
  });
});
