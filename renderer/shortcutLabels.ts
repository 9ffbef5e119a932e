// Shortcut names as the user's platform writes them (⌘ on macOS, Ctrl elsewhere).

export const isMac = /Mac|iPhone|iPad/.test(navigator.platform);

/** "mod+shift+n" → "⇧⌘N" on macOS, "Ctrl+Shift+N" elsewhere. */
export function shortcutLabel(spec: string): string {
  const parts = spec.split('+');
  const key = (parts.pop() ?? '').replace(/^./, (c) => c.toUpperCase());
  if (isMac) {
    const symbols: Record<string, string> = { mod: '⌘', shift: '⇧', alt: '⌥' };
    return parts.map((p) => symbols[p] ?? p).join('') + key;
  }
  const names: Record<string, string> = { mod: 'Ctrl', shift: 'Shift', alt: 'Alt' };
  return [...parts.map((p) => names[p] ?? p), key].join('+');
}
