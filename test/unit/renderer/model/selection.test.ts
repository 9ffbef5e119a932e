import { describe, expect, it } from 'vitest';
import { clickRow, emptySelection, keepVisible, moveCursor, selectAll } from '../../../../renderer/model/selection.js';

const view = ['a', 'b', 'c', 'd', 'e'].map((key) => ({ key }));
const keys = (s: { selected: ReadonlySet<string> }) => [...s.selected].sort();

describe('selection', () => {
  it('click replaces, Ctrl/Cmd toggles, Shift selects the range from the anchor', () => {
    let s = clickRow(emptySelection, view, 1, 'replace');
    expect(keys(s)).toEqual(['b']);
    s = clickRow(s, view, 3, 'toggle');
    expect(keys(s)).toEqual(['b', 'd']);
    s = clickRow(s, view, 4, 'range');
    // The anchor moved to d with the toggle: the range is d..e, replacing the rest.
    expect(keys(s)).toEqual(['d', 'e']);
    s = clickRow(clickRow(s, view, 0, 'toggle'), view, 1, 'add-range');
    expect(keys(s)).toEqual(['a', 'b', 'd', 'e']);
  });

  it('arrows move the cursor, clamped; Shift+arrows extend; select all; keep only what is visible', () => {
    let s = moveCursor(emptySelection, view, -5, false);
    expect(s.cursor).toBe('a');
    s = moveCursor(s, view, 2, true);
    expect(keys(s)).toEqual(['a', 'b', 'c']);
    s = selectAll(s, view);
    expect(keys(s)).toHaveLength(5);
    s = keepVisible(s, view.slice(3));
    expect(keys(s)).toEqual(['d', 'e']);
    expect(s.anchor).toBeNull();
  });
});
