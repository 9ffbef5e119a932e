// Upload… › Files… and Folder… (and Publish folder…): the hidden file inputs behind them, and their
// choice handed on.
import { uploadFileList, uploadPlace } from './startUpload.js';
import type { UploadPlace } from './uploadSender.js';

export type UploadChoice = 'files' | 'folder';

/** What happens to a choice: an upload, or (Publish folder…) a preview first. */
export type ChosenHandler = (files: File[], place: UploadPlace) => void;

const inputs = new Map<UploadChoice, HTMLInputElement>();
// Where the dialog was opened: the choice goes there, even if the listing moved on meanwhile.
let place: UploadPlace | null = null;
let handler: ChosenHandler = uploadFileList;

/** Created on first use and kept in the page (hidden), so a test can find it by its test id. */
function inputFor(choice: UploadChoice): HTMLInputElement {
  const existing = inputs.get(choice);
  if (existing) return existing;
  const input = document.createElement('input');
  input.type = 'file';
  if (choice === 'files') input.multiple = true;
  else input.webkitdirectory = true;
  input.hidden = true;
  input.tabIndex = -1;
  input.dataset.testid = `upload-${choice}-input`;
  input.addEventListener('change', () => {
    // Copied before the value is cleared, which empties the input's list.
    const files = Array.from(input.files ?? []);
    input.value = '';
    if (files.length > 0 && place) handler(files, place);
  });
  document.body.append(input);
  inputs.set(choice, input);
  return input;
}

/** Opens the system's file or folder dialog for the open prefix; the choice goes to `then` (an upload by default). Must run in a click. */
export function chooseUpload(choice: UploadChoice, then: ChosenHandler = uploadFileList): void {
  place = uploadPlace();
  if (!place) return;
  handler = then;
  inputFor(choice).click();
}
