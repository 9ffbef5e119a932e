// One bucket's publishing rules, in order: each a glob and its headers, added, removed, moved, or
// started from a preset; saved for the account and bucket, a refusal shown in place.
import { useEffect } from 'react';
import type { RuleDraft } from '../model/rulesDraft.js';
import { useBrowserStore } from '../stores/browserStore.js';
import { usePublishRulesStore } from '../stores/publishRulesStore.js';
import { useUiStore } from '../stores/uiStore.js';
import { ActionButtons, Dialog, DialogError } from './Dialog.js';
import { CloseIcon, DownIcon, PlusIcon, UpIcon } from './icons.js';

function RuleRow({ rule, index, count }: { rule: RuleDraft; index: number; count: number }) {
  const { edit, move, remove } = usePublishRulesStore.getState();
  const n = index + 1;
  return (
    <li className="rule" data-testid="publish-rule">
      <span className="rule-number" aria-hidden="true">
        {n}
      </span>
      <div className="rule-fields">
        <input aria-label={`Rule ${n}: glob`} className="rule-match" value={rule.match} placeholder="**/*.html" spellCheck={false} onChange={(e) => edit(index, { match: e.target.value })} />
        <textarea
          aria-label={`Rule ${n}: headers`}
          className="rule-headers"
          value={rule.headers}
          placeholder="Cache-Control: no-cache"
          rows={Math.max(1, rule.headers.split('\n').length)}
          spellCheck={false}
          onChange={(e) => edit(index, { headers: e.target.value })}
        />
      </div>
      <div className="rule-actions">
        <button type="button" className="icon-button" aria-label={`Move rule ${n} up`} title="Move up" disabled={index === 0} onClick={() => move(index, -1)}>
          <UpIcon />
        </button>
        <button type="button" className="icon-button" aria-label={`Move rule ${n} down`} title="Move down" disabled={index === count - 1} onClick={() => move(index, 1)}>
          <DownIcon />
        </button>
        <button type="button" className="icon-button" aria-label={`Remove rule ${n}`} title="Remove" onClick={() => remove(index)}>
          <CloseIcon />
        </button>
      </div>
    </li>
  );
}

export function PublishRulesDialog({ bucket }: { bucket: string }) {
  const closeDialog = useUiStore((s) => s.closeDialog);
  const accountId = useBrowserStore((s) => s.account?.id ?? null);
  const draft = usePublishRulesStore((s) => s.draft);
  const presets = usePublishRulesStore((s) => s.presets);
  const state = usePublishRulesStore((s) => s.state);
  const error = usePublishRulesStore((s) => s.error);
  const { add, startFrom, save } = usePublishRulesStore.getState();

  useEffect(() => {
    if (accountId) void usePublishRulesStore.getState().open(accountId, bucket);
  }, [accountId, bucket]);

  async function submit(): Promise<void> {
    if (await save()) {
      closeDialog();
      useUiStore.getState().showNotice(`Publishing rules for ${bucket} saved.`);
    }
  }

  return (
    <Dialog title={`Publishing rules for ${bucket}`} onClose={closeDialog} wide="table" testId="rules-dialog">
      <p className="dialog-text">
        Every upload from Ferry into this bucket gets the headers of the first rule whose glob matches its key below the folder it goes to. Content-Type comes from each file’s name unless a rule sets it.
      </p>
      {state === 'loading' ? (
        <p className="dialog-text">Reading the rules…</p>
      ) : (
        <>
          {draft.length === 0 ? (
            <p className="rules-empty">No rules: uploads get their Content-Type only. Add a rule, or start from a preset.</p>
          ) : (
            <ol className="rule-list">
              {draft.map((rule, i) => (
                <RuleRow key={rule.id} rule={rule} index={i} count={draft.length} />
              ))}
            </ol>
          )}
          <div className="rule-tools">
            <button type="button" className="button small" data-action="add-rule" onClick={add}>
              <PlusIcon />
              Add rule
            </button>
            <select aria-label="Start from preset" className="rule-preset" value="" onChange={(e) => startFrom(e.target.value)}>
              <option value="">Start from preset…</option>
              {presets.map((p) => (
                <option key={p.name} value={p.name} title={p.description}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
          <p className="hint">Headers: Cache-Control, Content-Type, Content-Encoding, Content-Disposition, Content-Language, Expires, x-amz-storage-class, x-amz-acl, x-amz-meta-NAME; one per line.</p>
        </>
      )}
      <DialogError message={error} />
      <ActionButtons label="Save" action="save-rules" onCancel={closeDialog} onAction={() => void submit()} disabled={state !== 'ready'} />
    </Dialog>
  );
}
