import { describe, expect, it } from 'vitest';
import { contentTypeFor } from '../../../electron/engine/contentType.js';

describe('contentTypeFor', () => {
  it('takes the type from the file name, case-insensitively, with a charset for text', () => {
    expect(contentTypeFor('/site/index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeFor('C:\\\\photos\\\\IMG_1.JPG')).toBe('image/jpeg');
    expect(contentTypeFor('app.js')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('data.json')).toBe('application/json; charset=utf-8');
    expect(contentTypeFor('font.woff2')).toBe('font/woff2');
  });

  it('says application/octet-stream for a name it does not know, or none', () => {
    expect(contentTypeFor('README')).toBe('application/octet-stream');
    expect(contentTypeFor('archive.ferry-unknown')).toBe('application/octet-stream');
    expect(contentTypeFor('.bashrc')).toBe('application/octet-stream');
  });
});
