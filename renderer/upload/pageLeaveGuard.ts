// Keeps the page from being left by accident during uploads. A file dropped beside a drop target
// would make the browser open it in place of the app; a reload or a closed tab while an upload's
// bytes are still being sent would cut its files short.
import { carriesFiles } from './dropEntries.js';
import { onSendingChange } from './uploadSender.js';

function refuseStrayDrop(event: DragEvent): void {
  // A drop target below took the event already (React's handlers run before the window's).
  if (event.defaultPrevented || !carriesFiles(event)) return;
  event.preventDefault();
  if (event.dataTransfer) event.dataTransfer.dropEffect = 'none';
}

function askBeforeUnload(event: BeforeUnloadEvent): void {
  event.preventDefault();
  // Browsers from before the standard's preventDefault() ask only for a returnValue.
  event.returnValue = true;
}

/** Installs both guards; returns their removal. */
export function guardPageLeave(): () => void {
  window.addEventListener('dragover', refuseStrayDrop);
  window.addEventListener('drop', refuseStrayDrop);
  // Only while sending: a beforeunload listener keeps the browser from caching the page for back and forward.
  const stopWatching = onSendingChange((sending) => {
    if (sending) window.addEventListener('beforeunload', askBeforeUnload);
    else window.removeEventListener('beforeunload', askBeforeUnload);
  });
  return () => {
    window.removeEventListener('dragover', refuseStrayDrop);
    window.removeEventListener('drop', refuseStrayDrop);
    window.removeEventListener('beforeunload', askBeforeUnload);
    stopWatching();
  };
}
