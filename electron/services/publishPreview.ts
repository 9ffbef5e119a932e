// Publish…'s table: what an upload by this plan would send, each file's key and the headers the
// rules give it, as the queue will (the same applyRules). Sends nothing.

import type { PublishPreview } from '../../shared/api.js';
import type { UploadPlan } from '../engine/batchPlan.js';
import { applyRules, headerLines, relativeKey, type RuleSet } from '../engine/publishRules.js';

// A table a person reads, and a message that stays small: the counts cover every file.
export const PREVIEW_ROWS = 5_000;

export function publishPreview(plan: UploadPlan, rules: RuleSet | undefined): PublishPreview {
  const files = applyRules(plan, rules, undefined).files;
  const rows = files.slice(0, PREVIEW_ROWS).map((file) => {
    const rule = rules?.rules.findIndex((r) => r.test(relativeKey(plan, file.key))) ?? -1;
    return { key: file.key, size: file.size, headers: headerLines(file.headers), ...(rule >= 0 ? { rule } : {}) };
  });
  return {
    rows,
    files: files.length,
    bytes: files.reduce((sum, f) => sum + f.size, 0),
    truncated: files.length > PREVIEW_ROWS,
    folders: plan.folderMarkers.length,
  };
}
