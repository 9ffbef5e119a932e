// The Publishing rules dialog's draft: each rule's glob and its headers as "Name: value" lines (the
// lines Publish… shows), in order, and the draft turned back into rules to save. The host checks
// the headers themselves (names, values) when it keeps them.
import type { PublishRules } from '../../shared/publishRules.js';

export interface RuleDraft {
  /** Stable across moves, for React's keys. */
  id: number;
  match: string;
  /** One header a line: "Cache-Control: no-cache". */
  headers: string;
}

let nextId = 1;

export function draftOf(rules: PublishRules): RuleDraft[] {
  return rules.rules.map((rule) => ({
    id: nextId++,
    match: rule.match,
    headers: Object.entries(rule.headers)
      .map(([name, value]) => `${name}: ${value}`)
      .join('\n'),
  }));
}

export function newRule(): RuleDraft {
  return { id: nextId++, match: '', headers: '' };
}

/** The rule at `index` moved one place up (-1) or down (+1); the same draft at an edge. */
export function moveRule(draft: readonly RuleDraft[], index: number, step: -1 | 1): RuleDraft[] {
  const to = index + step;
  const rule = draft[index];
  const other = draft[to];
  if (!rule || !other) return [...draft];
  const next = [...draft];
  next[to] = rule;
  next[index] = other;
  return next;
}

export function removeRule(draft: readonly RuleDraft[], index: number): RuleDraft[] {
  return draft.filter((_, i) => i !== index);
}

export function editRule(draft: readonly RuleDraft[], index: number, change: Partial<Omit<RuleDraft, 'id'>>): RuleDraft[] {
  return draft.map((rule, i) => (i === index ? { ...rule, ...change } : rule));
}

/** The draft as rules, or the first thing that keeps it from being one (named as the host names rules: "rule 2"). */
export function rulesOf(draft: readonly RuleDraft[]): { ok: true; rules: PublishRules } | { ok: false; message: string } {
  const rules: PublishRules = { rules: [] };
  for (const [index, rule] of draft.entries()) {
    const where = `rule ${index + 1}`;
    const match = rule.match.trim();
    if (match === '') return { ok: false, message: `${where}: give it a glob to match, such as **/*.html.` };
    const headers: Record<string, string> = {};
    for (const [n, line] of rule.headers.split('\n').entries()) {
      if (line.trim() === '') continue;
      const colon = line.indexOf(':');
      if (colon <= 0) return { ok: false, message: `${where}, line ${n + 1}: write a header as "Name: value", not "${line.trim()}".` };
      headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
    }
    rules.rules.push({ match, headers });
  }
  return { ok: true, rules };
}
