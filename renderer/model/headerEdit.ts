// Headers as the info panel and Change headers… edit them: the headers a person sets, an object's
// values as a form, and a form's changes as `objects.changeHeaders` takes them (set, remove).
import type { CallRequest, ObjectDetails } from '../../shared/api.js';
import { METADATA_PREFIX } from '../../shared/publishRules.js';

/** The headers of the forms, in the order the rules format lists them. */
export const HEADER_FIELDS = [
  { field: 'contentType', name: 'Content-Type' },
  { field: 'cacheControl', name: 'Cache-Control' },
  { field: 'contentDisposition', name: 'Content-Disposition' },
  { field: 'contentEncoding', name: 'Content-Encoding' },
  { field: 'contentLanguage', name: 'Content-Language' },
  { field: 'expires', name: 'Expires' },
] as const;

export type HeaderField = (typeof HEADER_FIELDS)[number]['field'];

export interface MetadataRow {
  /** Stable while rows are added and removed, for React's keys. */
  id: number;
  /** Without the x-amz-meta- prefix. */
  name: string;
  value: string;
}

export interface HeaderForm {
  values: Record<HeaderField, string>;
  metadata: MetadataRow[];
}

export type HeaderChanges = Pick<CallRequest<'objects.changeHeaders'>, 'set' | 'remove'>;

let nextRowId = 1;

export function metadataRow(name = '', value = ''): MetadataRow {
  return { id: nextRowId++, name, value };
}

export function emptyForm(): HeaderForm {
  return { values: { contentType: '', cacheControl: '', contentDisposition: '', contentEncoding: '', contentLanguage: '', expires: '' }, metadata: [] };
}

/** An object's headers and metadata, ready to edit. */
export function formOf(details: ObjectDetails): HeaderForm {
  const form = emptyForm();
  for (const { field } of HEADER_FIELDS) form.values[field] = details[field] ?? '';
  form.metadata = Object.entries(details.metadata).map(([name, value]) => metadataRow(name, value));
  return form;
}

/** A metadata name as S3 keeps it: lower case, without the prefix if one was typed. */
function metadataName(name: string): string {
  const lower = name.trim().toLowerCase();
  return lower.startsWith(METADATA_PREFIX) ? lower.slice(METADATA_PREFIX.length) : lower;
}

function metadataOf(rows: readonly MetadataRow[]): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const row of rows) if (metadataName(row.name) !== '') metadata[metadataName(row.name)] = row.value.trim();
  return metadata;
}

/** What the form says that the object does not: changed and new values set, cleared ones removed (metadata alike). */
export function changesFrom(details: ObjectDetails, form: HeaderForm): HeaderChanges {
  const changes: HeaderChanges = { set: {}, remove: [] };
  for (const { field, name } of HEADER_FIELDS) {
    const value = form.values[field].trim();
    if (value === (details[field] ?? '')) continue;
    if (value === '') changes.remove.push(name.toLowerCase());
    else changes.set[field] = value;
  }
  const metadata = metadataOf(form.metadata);
  for (const name of Object.keys(details.metadata)) if (!(name in metadata)) changes.remove.push(`${METADATA_PREFIX}${name}`);
  const changed = Object.entries(metadata).filter(([name, value]) => details.metadata[name] !== value);
  if (changed.length > 0) changes.set.metadata = Object.fromEntries(changed);
  return changes;
}

/** Change headers… on many objects: blank fields are left as they are; ticked ones and named metadata removed. */
export function bulkChanges(form: HeaderForm, remove: { fields: readonly HeaderField[]; metadata: string }): HeaderChanges {
  const changes: HeaderChanges = { set: {}, remove: [] };
  for (const { field, name } of HEADER_FIELDS) {
    const value = form.values[field].trim();
    if (remove.fields.includes(field)) changes.remove.push(name.toLowerCase());
    else if (value !== '') changes.set[field] = value;
  }
  const metadata = metadataOf(form.metadata);
  if (Object.keys(metadata).length > 0) changes.set.metadata = metadata;
  for (const name of remove.metadata.split(/[\s,]+/).map(metadataName)) if (name !== '') changes.remove.push(`${METADATA_PREFIX}${name}`);
  return changes;
}

export function hasChanges(changes: HeaderChanges): boolean {
  return Object.keys(changes.set).length > 0 || changes.remove.length > 0;
}

/** What in the form cannot be sent: a metadata value without a name, or a name twice. */
export function formProblem(form: HeaderForm): string | null {
  const seen = new Set<string>();
  for (const row of form.metadata) {
    const name = metadataName(row.name);
    if (name === '' && row.value.trim() !== '') return `The metadata value "${row.value.trim()}" needs a name.`;
    if (name !== '' && seen.has(name)) return `The metadata name "${name}" is there twice (names are not case-sensitive).`;
    if (name !== '' && !/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) return `"${name}" cannot be a metadata name: no spaces, and none of ( ) , / : ; < = > ? @ [ ] { } " \\.`;
    seen.add(name);
  }
  return null;
}

/** Every header and metadata entry of an object, named as on the wire, for the info panel. */
export function headerEntries(details: ObjectDetails): { name: string; value: string }[] {
  const entries = [
    ...HEADER_FIELDS.map(({ field, name }) => ({ name, value: details[field] })),
    { name: 'Storage class', value: details.storageClass },
    { name: 'Encryption', value: details.serverSideEncryption },
    { name: 'Website redirect', value: details.websiteRedirectLocation },
    ...Object.entries(details.metadata).map(([name, value]) => ({ name: `${METADATA_PREFIX}${name}`, value })),
  ];
  return entries.filter((e): e is { name: string; value: string } => e.value !== undefined && e.value !== '');
}
