// Keys inside the bucket and object tables: arrows, Shift+arrows, Page/Home/End, Enter, Backspace,
// Ctrl/Cmd+A, and type-ahead (typing a name's first letters moves to it).
import type { KeyboardEvent } from 'react';
import { indexOfKey } from './model/selection.js';
import { currentView, useBrowserStore } from './stores/browserStore.js';

// Letters typed within this long of each other form one name to look for, as in file managers.
const TYPE_AHEAD_MS = 800;
let typed = '';
let typedAt = 0;

export interface TableControls {
  scrollToIndex: (index: number) => void;
  /** Rows that fit in the visible part, for Page Up/Down. */
  pageRows: () => number;
  openMenuAtCursor: () => void;
}

/** Handles the key if it is one of the table's; returns whether it did. */
export function handleTableKey(event: KeyboardEvent, controls: TableControls): boolean {
  const store = useBrowserStore.getState();
  const view = currentView(store);
  const cursor = indexOfKey(view, store.selection.cursor);
  const mod = event.ctrlKey || event.metaKey;
  const move = (to: number): void => {
    store.moveCursorTo(to, event.shiftKey);
    const at = indexOfKey(currentView(useBrowserStore.getState()), useBrowserStore.getState().selection.cursor);
    if (at !== -1) controls.scrollToIndex(at);
  };

  switch (event.key) {
    case 'ArrowDown':
      if (event.altKey) return false;
      move(cursor === -1 ? 0 : cursor + 1);
      return true;
    case 'ArrowUp':
      if (event.altKey) return false;
      move(cursor === -1 ? 0 : cursor - 1);
      return true;
    case 'PageDown':
      move(Math.max(cursor, 0) + controls.pageRows());
      return true;
    case 'PageUp':
      move(Math.max(cursor, 0) - controls.pageRows());
      return true;
    case 'Home':
      move(0);
      return true;
    case 'End':
      move(view.length - 1);
      return true;
    case 'Enter':
      store.openCursor();
      return true;
    case 'Backspace':
      store.goBack();
      return true;
    case 'Escape':
      if (store.selection.selected.size === 0) return false;
      store.clearSelection();
      return true;
    case 'ContextMenu':
      controls.openMenuAtCursor();
      return true;
    case 'F10':
      if (!event.shiftKey) return false;
      controls.openMenuAtCursor();
      return true;
  }
  if (mod && event.key.toLowerCase() === 'a' && !event.shiftKey && !event.altKey) {
    store.selectAll();
    return true;
  }
  if (event.key.length === 1 && !mod && !event.altKey && event.key !== ' ') {
    const now = performance.now();
    typed = now - typedAt > TYPE_AHEAD_MS ? event.key : typed + event.key;
    typedAt = now;
    // The same letter again walks through the names starting with it, as in file managers.
    const repeated = typed.length > 1 && [...typed].every((c) => c === typed[0]);
    if (repeated ? store.jumpTo(event.key, true) : store.jumpTo(typed, false)) {
      const at = indexOfKey(currentView(useBrowserStore.getState()), useBrowserStore.getState().selection.cursor);
      if (at !== -1) controls.scrollToIndex(at);
    }
    return true;
  }
  return false;
}
