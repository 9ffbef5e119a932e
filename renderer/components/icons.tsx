// The app's line icons, drawn on a 16×16 grid with currentColor so they follow the theme.
import type { ReactElement } from 'react';

function Icon({ children, size = 16 }: { children: ReactElement | ReactElement[]; size?: number }) {
  return (
    <svg className="icon" width={size} height={size} viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
      {children}
    </svg>
  );
}

export const BackIcon = () => (
  <Icon>
    <path d="M10 3 5 8l5 5" />
  </Icon>
);
export const ForwardIcon = () => (
  <Icon>
    <path d="m6 3 5 5-5 5" />
  </Icon>
);
export const UpIcon = () => (
  <Icon>
    <path d="M8 13V3M3.5 7.5 8 3l4.5 4.5" />
  </Icon>
);
export const RefreshIcon = () => (
  <Icon>
    <path d="M13 8a5 5 0 1 1-1.5-3.55M13 2.5v3h-3" />
  </Icon>
);
export const DownloadIcon = () => (
  <Icon>
    <path d="M8 2.5v8M4.5 7 8 10.5 11.5 7M3 13.5h10" />
  </Icon>
);
export const UploadIcon = () => (
  <Icon>
    <path d="M8 10.5v-8M4.5 6 8 2.5 11.5 6M3 13.5h10" />
  </Icon>
);
export const TrashIcon = () => (
  <Icon>
    <path d="M2.5 4h11M6 4V2.5h4V4M4 4l.7 9.5h6.6L12 4M6.5 6.5v4.5M9.5 6.5v4.5" />
  </Icon>
);
export const NewFolderIcon = () => (
  <Icon>
    <path d="M1.5 4.5v8h13v-7H7.5L6 3.5H1.5zM8 7.5v4M6 9.5h4" />
  </Icon>
);
export const LinkIcon = () => (
  <Icon>
    <path d="M6.5 9.5 9.5 6.5M7 4.5l1.2-1.2a2.5 2.5 0 0 1 3.5 3.5L10.5 8M9 11.5l-1.2 1.2a2.5 2.5 0 0 1-3.5-3.5L5.5 8" />
  </Icon>
);
export const InfoIcon = () => (
  <Icon>
    <circle cx="8" cy="8" r="6" />
    <path d="M8 7.2V11M8 5v.01" />
  </Icon>
);
export const FolderIcon = () => (
  <Icon>
    <path d="M1.5 3.5h4.3l1.5 1.5h7.2v7.5h-13z" />
  </Icon>
);
export const FileIcon = () => (
  <Icon>
    <path d="M3.5 1.5h6l3 3v10h-9zM9.5 1.5v3h3" />
  </Icon>
);
export const BucketIcon = () => (
  <Icon>
    <path d="M2.5 4.5 4 13.5h8l1.5-9" />
    <ellipse cx="8" cy="4.5" rx="5.5" ry="2" />
  </Icon>
);
export const CloudIcon = () => (
  <Icon>
    <path d="M4.5 12.5a3 3 0 0 1-.4-6 4 4 0 0 1 7.7.9 2.6 2.6 0 0 1-.3 5.1z" />
  </Icon>
);
export const PlusIcon = () => (
  <Icon>
    <path d="M8 3v10M3 8h10" />
  </Icon>
);
export const ImportIcon = () => (
  <Icon>
    <path d="M8 2v7.5M5 6.5 8 9.5l3-3M2.5 10.5v3h11v-3" />
  </Icon>
);
export const MoreIcon = () => (
  <Icon>
    <path d="M3.5 8h.01M8 8h.01M12.5 8h.01" strokeWidth="2.2" />
  </Icon>
);
export const CloseIcon = () => (
  <Icon>
    <path d="m4 4 8 8M12 4l-8 8" />
  </Icon>
);
export const SearchIcon = () => (
  <Icon>
    <circle cx="7" cy="7" r="4.5" />
    <path d="m10.5 10.5 3 3" />
  </Icon>
);
export const ChevronIcon = ({ open }: { open: boolean }) => (
  <Icon size={12}>
    <path d={open ? 'm4 6 4 4 4-4' : 'm6 4 4 4-4 4'} />
  </Icon>
);
export const WarningIcon = () => (
  <Icon>
    <path d="M8 2 1.5 13.5h13zM8 6.5v3.5M8 12v.01" />
  </Icon>
);
export const SortIcon = ({ descending }: { descending: boolean }) => (
  <Icon size={10}>
    <path d={descending ? 'm4 6 4 4 4-4' : 'm4 10 4-4 4 4'} strokeWidth="1.8" />
  </Icon>
);
export const FerryIcon = () => (
  <Icon>
    <path d="M2 10h12l-2 3.5H4zM4.5 10V6.5h5.5L12 10M7.5 6.5V4" />
  </Icon>
);
export const PauseIcon = () => (
  <Icon>
    <path d="M5.5 3.5v9M10.5 3.5v9" strokeWidth="1.8" />
  </Icon>
);
export const PlayIcon = () => (
  <Icon>
    <path d="M5 3.2v9.6L12.5 8z" />
  </Icon>
);
export const RetryIcon = () => (
  <Icon>
    <path d="M3 8a5 5 0 1 0 1.5-3.55M3 2.5v3h3" />
  </Icon>
);
export const ToTopIcon = () => (
  <Icon>
    <path d="M3 2.5h10M8 13.5V5.5M4.5 9 8 5.5 11.5 9" />
  </Icon>
);
export const GearIcon = () => (
  <Icon>
    <circle cx="8" cy="8" r="2" />
    <path d="M8 1.5v2M8 12.5v2M1.5 8h2M12.5 8h2M3.4 3.4l1.4 1.4M11.2 11.2l1.4 1.4M3.4 12.6l1.4-1.4M11.2 4.8l1.4-1.4" />
  </Icon>
);
export const DownIcon = () => (
  <Icon>
    <path d="M8 3v10M3.5 8.5 8 13l4.5-4.5" />
  </Icon>
);
/** Publishing rules: a list of lines, each with its marker. */
export const RulesIcon = () => (
  <Icon>
    <path d="M6.5 4h7M6.5 8h7M6.5 12h7M2.5 4h1M2.5 8h1M2.5 12h1" />
  </Icon>
);
/** Synchronize: two arrows going round, one each way. */
export const SyncIcon = () => (
  <Icon>
    <path d="M2.5 7a5.5 5.5 0 0 1 9.8-2.6M13.5 9a5.5 5.5 0 0 1-9.8 2.6M12.5 1.8v2.8H9.7M3.5 14.2v-2.8h2.8" />
  </Icon>
);
export const CopyIcon = () => (
  <Icon>
    <rect x="5.5" y="5.5" width="8" height="8" rx="1.2" />
    <path d="M10.5 5.5V3.7a1.2 1.2 0 0 0-1.2-1.2H3.7a1.2 1.2 0 0 0-1.2 1.2v5.6a1.2 1.2 0 0 0 1.2 1.2h1.8" />
  </Icon>
);
