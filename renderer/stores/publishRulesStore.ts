// The Publishing rules dialog's state: one bucket's kept rules as a draft being edited (in order,
// added, removed, moved, or started from a preset), and saving it, the host's refusal kept to show
// in place.
import { create } from 'zustand';
import type { PublishRulesInfo } from '../../shared/api.js';
import { call } from '../bridge.js';
import { draftOf, editRule, moveRule, newRule, removeRule, rulesOf, type RuleDraft } from '../model/rulesDraft.js';

interface PublishRulesStore {
  target: { accountId: string; bucket: string } | null;
  draft: RuleDraft[];
  presets: PublishRulesInfo['presets'];
  state: 'loading' | 'ready' | 'saving';
  error: string | null;
  open: (accountId: string, bucket: string) => Promise<void>;
  edit: (index: number, change: Partial<Omit<RuleDraft, 'id'>>) => void;
  add: () => void;
  remove: (index: number) => void;
  move: (index: number, step: -1 | 1) => void;
  /** The draft becomes the preset's rules (nothing is kept until Save). */
  startFrom: (preset: string) => void;
  /** True once kept; false with `error` said. */
  save: () => Promise<boolean>;
}

export const usePublishRulesStore = create<PublishRulesStore>()((set, get) => ({
  target: null,
  draft: [],
  presets: [],
  state: 'loading',
  error: null,

  open: async (accountId, bucket) => {
    set({ target: { accountId, bucket }, draft: [], state: 'loading', error: null });
    const result = await call('publish.rules', { accountId, bucket });
    if (get().target?.bucket !== bucket) return;
    if (result.ok) set({ draft: draftOf(result.value.rules), presets: result.value.presets, state: 'ready' });
    else set({ error: result.error.message, state: 'ready' });
  },

  // A change to the draft clears a refusal of the draft before it.
  edit: (index, change) => set((s) => ({ draft: editRule(s.draft, index, change), error: null })),
  add: () => set((s) => ({ draft: [...s.draft, newRule()], error: null })),
  remove: (index) => set((s) => ({ draft: removeRule(s.draft, index), error: null })),
  move: (index, step) => set((s) => ({ draft: moveRule(s.draft, index, step), error: null })),

  startFrom: (name) => {
    const preset = get().presets.find((p) => p.name === name);
    if (preset) set({ draft: draftOf(preset.rules), error: null });
  },

  save: async () => {
    const { target, draft } = get();
    if (!target) return false;
    const rules = rulesOf(draft);
    if (!rules.ok) {
      set({ error: rules.message });
      return false;
    }
    set({ state: 'saving', error: null });
    const result = await call('publish.saveRules', { ...target, rules: rules.rules });
    set({ state: 'ready', error: result.ok ? null : result.error.message });
    return result.ok;
  },
}));
