// The fields of a header edit (the info panel's editor and Change headers…): one input per header,
// and metadata rows to add and remove. The caller keeps the form and says what a blank means.
import { HEADER_FIELDS, metadataRow, type HeaderField, type HeaderForm } from '../model/headerEdit.js';
import { CloseIcon, PlusIcon } from './icons.js';

interface HeaderFieldsProps {
  form: HeaderForm;
  onChange: (form: HeaderForm) => void;
  /** Change headers…: a Remove box per header (its input then ignored). */
  removed?: { fields: readonly HeaderField[]; toggle: (field: HeaderField) => void };
  placeholder?: string;
  metadataLabel: string;
}

export function HeaderFields({ form, onChange, removed, placeholder, metadataLabel }: HeaderFieldsProps) {
  const setValue = (field: HeaderField, value: string) => onChange({ ...form, values: { ...form.values, [field]: value } });
  const setRow = (id: number, change: { name?: string; value?: string }) => onChange({ ...form, metadata: form.metadata.map((r) => (r.id === id ? { ...r, ...change } : r)) });
  return (
    <div className="header-fields">
      {HEADER_FIELDS.map(({ field, name }) => {
        const off = removed?.fields.includes(field) ?? false;
        return (
          <div className="header-field" key={field}>
            <label htmlFor={`header-${field}`}>{name}</label>
            <input id={`header-${field}`} value={off ? '' : form.values[field]} placeholder={off ? 'removed' : placeholder} disabled={off} spellCheck={false} onChange={(e) => setValue(field, e.target.value)} />
            {removed && (
              <label className="header-remove">
                <input type="checkbox" checked={off} onChange={() => removed.toggle(field)} aria-label={`Remove ${name}`} />
                Remove
              </label>
            )}
          </div>
        );
      })}
      <span className="field-label metadata-label">{metadataLabel}</span>
      {form.metadata.map((row) => (
        <div className="metadata-row" key={row.id} data-testid="metadata-row">
          <span className="metadata-prefix" aria-hidden="true">
            x-amz-meta-
          </span>
          <input aria-label="Metadata name" value={row.name} placeholder="name" spellCheck={false} onChange={(e) => setRow(row.id, { name: e.target.value })} />
          <input aria-label={`Value of ${row.name || 'new metadata'}`} value={row.value} placeholder="value" spellCheck={false} onChange={(e) => setRow(row.id, { value: e.target.value })} />
          <button type="button" className="icon-button" aria-label={`Remove metadata ${row.name}`} onClick={() => onChange({ ...form, metadata: form.metadata.filter((r) => r.id !== row.id) })}>
            <CloseIcon />
          </button>
        </div>
      ))}
      <div>
        <button type="button" className="link-button" data-action="add-metadata" onClick={() => onChange({ ...form, metadata: [...form.metadata, metadataRow()] })}>
          <PlusIcon /> Add metadata
        </button>
      </div>
    </div>
  );
}
