import { describe, expect, it } from 'vitest';
import type { ObjectDetails } from '../../../../shared/api.js';
import { bulkChanges, changesFrom, emptyForm, formOf, formProblem, hasChanges, headerEntries, metadataRow, type HeaderForm } from '../../../../renderer/model/headerEdit.js';

const details: ObjectDetails = {
  bucket: 'b',
  key: 'site/index.html',
  size: 10,
  etag: 'abc',
  contentType: 'text/html',
  cacheControl: 'no-cache',
  contentDisposition: 'inline',
  storageClass: 'STANDARD',
  serverSideEncryption: 'AES256',
  websiteRedirectLocation: '/new.html',
  metadata: { build: '42', team: 'web' },
};

function edited(change: (form: HeaderForm) => void): HeaderForm {
  const form = formOf(details);
  change(form);
  return form;
}

describe('editing one object’s headers', () => {
  it('starts from what the object has', () => {
    const form = formOf(details);
    expect(form.values).toEqual({ contentType: 'text/html', cacheControl: 'no-cache', contentDisposition: 'inline', contentEncoding: '', contentLanguage: '', expires: '' });
    expect(form.metadata.map(({ name, value }) => [name, value])).toEqual([
      ['build', '42'],
      ['team', 'web'],
    ]);
    expect(changesFrom(details, form)).toEqual({ set: {}, remove: [] });
    expect(hasChanges(changesFrom(details, form))).toBe(false);
  });

  it('sets what changed or is new, removes what was cleared', () => {
    const form = edited((f) => {
      f.values.cacheControl = ' max-age=60 ';
      f.values.contentDisposition = '';
      f.values.contentLanguage = 'en';
    });
    expect(changesFrom(details, form)).toEqual({ set: { cacheControl: 'max-age=60', contentLanguage: 'en' }, remove: ['content-disposition'] });
  });

  it('sets changed and added metadata entries and removes deleted ones, names in lower case', () => {
    const form = edited((f) => {
      f.metadata = [metadataRow('build', '43'), metadataRow('X-Amz-Meta-Owner', 'me')];
    });
    expect(changesFrom(details, form)).toEqual({ set: { metadata: { build: '43', owner: 'me' } }, remove: ['x-amz-meta-team'] });
  });
});

describe('changing headers of many objects', () => {
  it('leaves blank fields as they are; ticked ones and named metadata are removed', () => {
    const form = emptyForm();
    form.values.cacheControl = 'public, max-age=3600';
    form.values.expires = 'ignored while ticked';
    form.metadata = [metadataRow('Reviewed', 'yes'), metadataRow('', '')];
    expect(bulkChanges(form, { fields: ['expires'], metadata: 'build, x-amz-meta-Owner  team' })).toEqual({
      set: { cacheControl: 'public, max-age=3600', metadata: { reviewed: 'yes' } },
      remove: ['expires', 'x-amz-meta-build', 'x-amz-meta-owner', 'x-amz-meta-team'],
    });
    expect(hasChanges(bulkChanges(emptyForm(), { fields: [], metadata: ' , ' }))).toBe(false);
  });
});

describe('what a form cannot send', () => {
  it('a value without a name, a name twice, a name HTTP cannot carry', () => {
    const form = emptyForm();
    expect(formProblem(form)).toBeNull();
    form.metadata = [metadataRow('', 'orphan')];
    expect(formProblem(form)).toMatch(/"orphan" needs a name/);
    form.metadata = [metadataRow('Build', '1'), metadataRow('x-amz-meta-build', '2')];
    expect(formProblem(form)).toMatch(/"build" is there twice/);
    form.metadata = [metadataRow('my name', '1')];
    expect(formProblem(form)).toMatch(/"my name" cannot be a metadata name/);
  });
});

describe('the info panel’s list', () => {
  it('names every header and metadata entry the object has, as on the wire', () => {
    expect(headerEntries(details).map(({ name, value }) => `${name}: ${value}`)).toEqual([
      'Content-Type: text/html',
      'Cache-Control: no-cache',
      'Content-Disposition: inline',
      'Storage class: STANDARD',
      'Encryption: AES256',
      'Website redirect: /new.html',
      'x-amz-meta-build: 42',
      'x-amz-meta-team: web',
    ]);
  });
});
