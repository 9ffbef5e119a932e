// The toolbar over the table: history and place, the filter box, and actions on the selection.
import type { MouseEvent, ReactElement } from 'react';
import { askDeleteSelection, askNewFolder, askPublishingRules, askShareLink, askSync, downloadSelection, toggleInfo, uploadMenuItems } from '../selectionCommands.js';
import { shortcutLabel } from '../shortcutLabels.js';
import { focusedFile, useBrowserStore } from '../stores/browserStore.js';
import { useUiStore } from '../stores/uiStore.js';
import { Breadcrumbs } from './Breadcrumbs.js';
import { BackIcon, DownloadIcon, ForwardIcon, InfoIcon, LinkIcon, NewFolderIcon, RefreshIcon, RulesIcon, SearchIcon, SyncIcon, TrashIcon, UpIcon, UploadIcon } from './icons.js';

interface ToolButtonProps {
  label: string;
  shortcut?: string;
  icon: ReactElement;
  onClick: (event: MouseEvent<HTMLButtonElement>) => void;
  disabled?: boolean;
  pressed?: boolean;
  /** The button opens a menu. */
  menu?: boolean;
}

function ToolButton({ label, shortcut, icon, onClick, disabled, pressed, menu }: ToolButtonProps) {
  return (
    <button type="button" className="icon-button tool" aria-label={label} title={shortcut ? `${label} (${shortcutLabel(shortcut)})` : label} onClick={onClick} disabled={disabled} aria-pressed={pressed} aria-haspopup={menu ? 'menu' : undefined}>
      {icon}
    </button>
  );
}

export const FILTER_INPUT_ID = 'filter-input';

/** Upload…: Files…, Folder… and Publish folder… in a menu under the button. */
function openUploadMenu(event: MouseEvent<HTMLButtonElement>): void {
  const box = event.currentTarget.getBoundingClientRect();
  useUiStore.getState().openContextMenu({ x: box.left, y: box.bottom + 2, items: uploadMenuItems('short') });
}

export function Toolbar() {
  const hasAccount = useBrowserStore((s) => s.account !== null);
  const inBucket = useBrowserStore((s) => s.location.bucket !== null);
  const canGoBack = useBrowserStore((s) => s.backStack.length > 0);
  const canGoForward = useBrowserStore((s) => s.forwardStack.length > 0);
  const hasSelection = useBrowserStore((s) => s.location.bucket !== null && s.selection.selected.size > 0);
  const hasFile = useBrowserStore((s) => focusedFile(s) !== null);
  const filter = useBrowserStore((s) => s.filter);
  const infoOpen = useUiStore((s) => s.infoPanelOpen);
  const { goBack, goForward, goUp, refresh, setFilter } = useBrowserStore.getState();

  return (
    <div className="toolbar" role="toolbar" aria-label="Browser">
      <div className="tool-group">
        <ToolButton label="Back" shortcut="alt+←" icon={<BackIcon />} onClick={goBack} disabled={!canGoBack} />
        <ToolButton label="Forward" shortcut="alt+→" icon={<ForwardIcon />} onClick={goForward} disabled={!canGoForward} />
        <ToolButton label="Up" icon={<UpIcon />} onClick={goUp} disabled={!inBucket} />
        <ToolButton label="Refresh" shortcut="F5" icon={<RefreshIcon />} onClick={refresh} disabled={!hasAccount} />
      </div>
      <Breadcrumbs />
      <div className="filter">
        <SearchIcon />
        <input
          id={FILTER_INPUT_ID}
          type="search"
          aria-label="Filter"
          placeholder="Filter"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          onKeyDown={(e) => {
            // Down or Enter hands the keyboard to the table, on its first match.
            if (e.key !== 'ArrowDown' && e.key !== 'Enter') return;
            e.preventDefault();
            useBrowserStore.getState().moveCursorTo(0, false);
            document.querySelector<HTMLElement>('.table-scroll')?.focus();
          }}
          disabled={!hasAccount}
          spellCheck={false}
        />
      </div>
      <div className="tool-group">
        <ToolButton label="Upload…" icon={<UploadIcon />} onClick={openUploadMenu} disabled={!inBucket} menu />
        <ToolButton label="Synchronize…" icon={<SyncIcon />} onClick={() => askSync()} disabled={!inBucket} />
        <ToolButton label="Publishing rules…" icon={<RulesIcon />} onClick={() => askPublishingRules()} disabled={!inBucket} />
        <ToolButton label="New folder" shortcut="mod+shift+n" icon={<NewFolderIcon />} onClick={askNewFolder} disabled={!inBucket} />
        <ToolButton label="Download" shortcut="mod+d" icon={<DownloadIcon />} onClick={downloadSelection} disabled={!hasSelection} />
        <ToolButton label="Delete" shortcut="Delete" icon={<TrashIcon />} onClick={askDeleteSelection} disabled={!hasSelection} />
        <ToolButton label="Share link" icon={<LinkIcon />} onClick={askShareLink} disabled={!hasFile} />
        <ToolButton label="Info" shortcut="mod+i" icon={<InfoIcon />} onClick={toggleInfo} pressed={infoOpen} />
      </div>
    </div>
  );
}
