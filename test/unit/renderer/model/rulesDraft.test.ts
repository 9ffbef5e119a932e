import { describe, expect, it } from 'vitest';
import { PRESETS, type PublishRules } from '../../../../shared/publishRules.js';
import { draftOf, editRule, moveRule, newRule, removeRule, rulesOf, type RuleDraft } from '../../../../renderer/model/rulesDraft.js';

const RULES: PublishRules = {
  rules: [
    { match: '**/*.html', headers: { 'Cache-Control': 'no-cache' } },
    { match: 'assets/**', headers: { 'Cache-Control': 'public, max-age=31536000, immutable', 'x-amz-meta-team': 'web' } },
  ],
};

const matches = (draft: RuleDraft[]) => draft.map((r) => r.match);

describe('the rules draft', () => {
  it('shows each rule’s headers as "Name: value" lines and reads them back unchanged', () => {
    const draft = draftOf(RULES);
    expect(draft.map(({ match, headers }) => ({ match, headers }))).toEqual([
      { match: '**/*.html', headers: 'Cache-Control: no-cache' },
      { match: 'assets/**', headers: 'Cache-Control: public, max-age=31536000, immutable\nx-amz-meta-team: web' },
    ]);
    expect(rulesOf(draft)).toEqual({ ok: true, rules: RULES });
    // Every preset goes through the draft whole.
    for (const preset of Object.values(PRESETS)) expect(rulesOf(draftOf(preset.rules))).toEqual({ ok: true, rules: preset.rules });
  });

  it('gives each rule an id of its own that stays through moves', () => {
    const draft = draftOf(RULES);
    const ids = draft.map((r) => r.id);
    expect(new Set([...ids, newRule().id]).size).toBe(3);
    expect(moveRule(draft, 0, 1).map((r) => r.id)).toEqual([ids[1], ids[0]]);
  });

  it('moves a rule up and down, and stays put at the edges', () => {
    const draft = [...draftOf(RULES), { ...newRule(), match: '**' }];
    expect(matches(moveRule(draft, 2, -1))).toEqual(['**/*.html', '**', 'assets/**']);
    expect(matches(moveRule(draft, 0, 1))).toEqual(['assets/**', '**/*.html', '**']);
    expect(matches(moveRule(draft, 0, -1))).toEqual(matches(draft));
    expect(matches(moveRule(draft, 2, 1))).toEqual(matches(draft));
  });

  it('adds, edits and removes rules', () => {
    const draft = editRule([...draftOf(RULES), newRule()], 2, { match: ' **/*.json ', headers: '\n  Cache-Control :  no-cache  \n\n' });
    expect(rulesOf(draft)).toEqual({ ok: true, rules: { rules: [...RULES.rules, { match: '**/*.json', headers: { 'Cache-Control': 'no-cache' } }] } });
    expect(matches(removeRule(draft, 0))).toEqual(['assets/**', ' **/*.json ']);
    // A rule with no header is a rule: what it matches gets nothing from the rules below it.
    expect(rulesOf(editRule(draft, 2, { headers: '' }))).toMatchObject({ ok: true });
  });

  it('names the rule and line of what is not a rule', () => {
    expect(rulesOf([...draftOf(RULES), newRule()])).toEqual({ ok: false, message: 'rule 3: give it a glob to match, such as **/*.html.' });
    const bad = editRule(draftOf(RULES), 1, { headers: 'Cache-Control: no-cache\n\nno colon here' });
    expect(rulesOf(bad)).toEqual({ ok: false, message: 'rule 2, line 3: write a header as "Name: value", not "no colon here".' });
    expect(rulesOf(editRule(draftOf(RULES), 0, { headers: ': value' }))).toMatchObject({ ok: false, message: expect.stringMatching(/^rule 1, line 1:/) as unknown });
  });
});
