// The last line of a batch with failures, the command's error: how many failed, and what did go.

/** E.g. "2 items failed (listed above); 8 of 10 files were transferred." */
export function failedLine(result: { files: number; done: number; failures: unknown[] }): string {
  const failed = `${result.failures.length} item${result.failures.length === 1 ? '' : 's'} failed (listed above)`;
  if (result.done === 0) return `${failed}; nothing was transferred.`;
  return `${failed}; ${result.done} of ${result.files} files ${result.done === 1 ? 'was' : 'were'} transferred.`;
}
