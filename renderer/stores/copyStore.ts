// Copies and moves (`objects.copy`): each job as its latest `copyJob` event, the ones shown in the
// corner (started by Copy to… or Move to…), and starting and cancelling them. When one started
// here ends, the folder shown is listed again (a move took objects from it, a copy may have added).
import type { CopyJobEvent } from '../../shared/api.js';
import { useBrowserStore } from './browserStore.js';
import { createJobStore } from './jobStore.js';

export const useCopyStore = createJobStore<CopyJobEvent, 'objects.copy'>('objects.copy', 'objects.cancelCopy', () => useBrowserStore.getState().refresh());
