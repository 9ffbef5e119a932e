// Multi-selection as file managers do it (click, Ctrl/Cmd+click, Shift+click, arrows, Shift+arrows),
// kept by key so rows streaming in and re-sorting do not move what the user picked.

export interface Keyed {
  key: string;
}

export interface Selection {
  selected: ReadonlySet<string>;
  /** Where a Shift range starts. */
  anchor: string | null;
  /** The row the keyboard is on. */
  cursor: string | null;
}

export const emptySelection: Selection = { selected: new Set(), anchor: null, cursor: null };

export type ClickMode = 'replace' | 'toggle' | 'range' | 'add-range';

export function indexOfKey(view: readonly Keyed[], key: string | null): number {
  if (key === null) return -1;
  return view.findIndex((e) => e.key === key);
}

function rangeKeys(view: readonly Keyed[], from: number, to: number): string[] {
  const [lo, hi] = from <= to ? [from, to] : [to, from];
  return view.slice(lo, hi + 1).map((e) => e.key);
}

/** A click on row `index`: plain, with Ctrl/Cmd (toggle), with Shift (range), or both (add range). */
export function clickRow(state: Selection, view: readonly Keyed[], index: number, mode: ClickMode): Selection {
  const key = view[index]?.key;
  if (key === undefined) return state;
  if (mode === 'replace') return { selected: new Set([key]), anchor: key, cursor: key };
  if (mode === 'toggle') {
    const selected = new Set(state.selected);
    if (selected.has(key)) selected.delete(key);
    else selected.add(key);
    return { selected, anchor: key, cursor: key };
  }
  const anchorIndex = indexOfKey(view, state.anchor);
  const from = anchorIndex === -1 ? index : anchorIndex;
  const range = rangeKeys(view, from, index);
  const selected = mode === 'add-range' ? new Set([...state.selected, ...range]) : new Set(range);
  return { selected, anchor: view[from]?.key ?? key, cursor: key };
}

/** Moves the keyboard cursor to `index`; with Shift it extends the range from the anchor. */
export function moveCursor(state: Selection, view: readonly Keyed[], index: number, extend: boolean): Selection {
  if (view.length === 0) return state;
  const clamped = Math.max(0, Math.min(view.length - 1, index));
  return clickRow(state, view, clamped, extend ? 'range' : 'replace');
}

export function selectAll(state: Selection, view: readonly Keyed[]): Selection {
  return { selected: new Set(view.map((e) => e.key)), anchor: state.anchor ?? view[0]?.key ?? null, cursor: state.cursor ?? view[0]?.key ?? null };
}

/** The selection without keys that are no longer in view (after a filter or a refresh). */
export function keepVisible(state: Selection, view: readonly Keyed[]): Selection {
  if (state.selected.size === 0) return state;
  const present = new Set(view.map((e) => e.key));
  const selected = new Set([...state.selected].filter((k) => present.has(k)));
  return {
    selected,
    anchor: state.anchor !== null && present.has(state.anchor) ? state.anchor : null,
    cursor: state.cursor !== null && present.has(state.cursor) ? state.cursor : null,
  };
}
