// Window-wide shortcuts (download, delete, new folder, info, history, filter, refresh), mapped to the
// same commands as the toolbar and the context menu.
import { useEffect } from 'react';
import { askDeleteSelection, askNewFolder, downloadSelection, toggleInfo } from './selectionCommands.js';
import { useBrowserStore } from './stores/browserStore.js';
import { useUiStore } from './stores/uiStore.js';

function isTextField(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

function onKeyDown(event: KeyboardEvent, focusFilter: () => void): void {
  if (useUiStore.getState().dialog !== null || event.defaultPrevented) return;
  const browser = useBrowserStore.getState();
  const mod = event.ctrlKey || event.metaKey;
  const key = event.key.toLowerCase();
  const inText = isTextField(event.target);
  let run: (() => void) | null = null;

  if (mod && !event.altKey) {
    if (key === 'd' && !event.shiftKey) run = downloadSelection;
    else if (key === 'n' && event.shiftKey) run = askNewFolder;
    else if (key === 'i' && !event.shiftKey) run = toggleInfo;
    else if (key === 'f' && !event.shiftKey) run = focusFilter;
  } else if (event.altKey && !mod && !event.shiftKey) {
    if (event.key === 'ArrowLeft') run = browser.goBack;
    else if (event.key === 'ArrowRight') run = browser.goForward;
    else if (event.key === 'ArrowUp') run = browser.goUp;
  } else if (!inText && !mod && !event.altKey) {
    if (event.key === 'Delete') run = askDeleteSelection;
    else if (event.key === 'F5') run = browser.refresh;
  }
  if (run) {
    event.preventDefault();
    run();
  }
}

export function useGlobalShortcuts(focusFilter: () => void): void {
  useEffect(() => {
    const listener = (event: KeyboardEvent) => onKeyDown(event, focusFilter);
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, [focusFilter]);
}
