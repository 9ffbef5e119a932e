// Header changes in place (`objects.changeHeaders`): each job as its latest `headerChange` event,
// the ones shown in the corner (started by Change headers…), and starting and cancelling them.
// When one started here ends, the info panel reads its object again (it may be one of them).
import type { HeaderChangeEvent } from '../../shared/api.js';
import { createJobStore } from './jobStore.js';
import { useObjectInfoStore } from './objectInfoStore.js';

export const useHeaderChangeStore = createJobStore<HeaderChangeEvent, 'objects.changeHeaders'>('objects.changeHeaders', 'objects.cancelHeaderChange', () => void useObjectInfoStore.getState().reload());
