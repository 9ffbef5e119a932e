import { describe, expect, it } from 'vitest';
import { failedLine } from '../../../electron/cli/failedLine.js';

describe('failedLine', () => {
  it('says what went beside what failed, and nothing when nothing went', () => {
    expect(failedLine({ files: 10, done: 8, failures: [1, 2] })).toBe('2 items failed (listed above); 8 of 10 files were transferred.');
    expect(failedLine({ files: 3, done: 0, failures: [1, 2, 3] })).toBe('3 items failed (listed above); nothing was transferred.');
    expect(failedLine({ files: 2, done: 1, failures: [1] })).toBe('1 item failed (listed above); 1 of 2 files was transferred.');
    expect(failedLine({ files: 1, done: 0, failures: [1] })).toBe('1 item failed (listed above); nothing was transferred.');
  });
});
