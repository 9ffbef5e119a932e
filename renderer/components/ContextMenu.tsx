// The right-click menu: items from the ui store, keyboard-navigable, closed by Escape, a click
// elsewhere, scrolling or leaving the window.
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useUiStore } from '../stores/uiStore.js';

export function ContextMenu() {
  const menu = useUiStore((s) => s.contextMenu);
  const close = useUiStore((s) => s.closeContextMenu);
  const ref = useRef<HTMLDivElement>(null);
  const [position, setPosition] = useState<{ x: number; y: number } | null>(null);

  // Keep the menu inside the window: flip it left or up when it would overflow.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!menu || !el) return;
    const box = el.getBoundingClientRect();
    setPosition({
      x: menu.x + box.width > window.innerWidth ? Math.max(4, menu.x - box.width) : menu.x,
      y: menu.y + box.height > window.innerHeight ? Math.max(4, menu.y - box.height) : menu.y,
    });
  }, [menu]);

  // Focus once placed: the menu is invisible until then, and an invisible element cannot take focus.
  useEffect(() => {
    if (position) ref.current?.querySelector<HTMLElement>('[role="menuitem"]:not(:disabled)')?.focus();
  }, [position]);

  useEffect(() => {
    if (!menu) return;
    // Where the keyboard was before the menu took it; it goes back there when the menu closes.
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const onPointer = (e: PointerEvent) => {
      if (!ref.current?.contains(e.target as Node)) close();
    };
    window.addEventListener('pointerdown', onPointer, true);
    window.addEventListener('blur', close);
    window.addEventListener('resize', close);
    window.addEventListener('wheel', close, { passive: true });
    return () => {
      window.removeEventListener('pointerdown', onPointer, true);
      window.removeEventListener('blur', close);
      window.removeEventListener('resize', close);
      window.removeEventListener('wheel', close);
      setPosition(null);
      const active = document.activeElement;
      if (!active || active === document.body || ref.current?.contains(active)) previous?.focus({ preventScroll: true });
    };
  }, [menu, close]);

  if (!menu) return null;

  function onKeyDown(event: KeyboardEvent): void {
    const items = [...(ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]:not(:disabled)') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    if (event.key === 'Escape' || event.key === 'Tab') {
      event.preventDefault();
      close();
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      items[(at + step + items.length) % items.length]?.focus();
    }
    event.stopPropagation();
  }

  return (
    <div
      ref={ref}
      className="context-menu"
      role="menu"
      style={{ left: position?.x ?? menu.x, top: position?.y ?? menu.y, visibility: position ? 'visible' : 'hidden' }}
      onKeyDown={onKeyDown}
      onContextMenu={(e) => e.preventDefault()}
    >
      {menu.items.map((item, i) =>
        item === 'separator' ? (
          <div key={`sep-${i}`} className="menu-separator" role="separator" />
        ) : (
          <button
            key={item.label}
            type="button"
            role="menuitem"
            className={item.danger ? 'menu-item danger' : 'menu-item'}
            disabled={item.disabled}
            data-action={item.action}
            onClick={() => {
              close();
              item.run();
            }}
          >
            <span>{item.label}</span>
            {item.shortcut && (
              <span className="menu-shortcut" aria-hidden="true">
                {item.shortcut}
              </span>
            )}
          </button>
        ),
      )}
    </div>
  );
}
