// What a group of tests needs from the machine (a Secret Service, Chromium). Missing on a
// developer's machine: the group is skipped and says why. Missing under CI=true: the group fails
// with the reason instead, because a run that skipped it tested nothing of it (and
// scripts/test-all.sh fails a CI run that reports any skipped test).

import { beforeAll, describe } from 'vitest';

export const inCI = process.env.CI === 'true';

/** The keychain tests' need; scripts/with-keyring.sh provides it and sets FERRY_TEST_KEYCHAIN=1. */
export const SECRET_SERVICE = 'a Secret Service (run the tests under scripts/with-keyring.sh, as npm test does)';
export const hasSecretService = process.env.FERRY_TEST_KEYCHAIN === '1';

/** `describe` for a group that needs each named thing whose value is true when it is there. */
export function describeNeeding(needs: Record<string, boolean>): (name: string, tests: () => void) => void {
  const missing = Object.entries(needs)
    .filter(([, present]) => !present)
    .map(([what]) => what);
  if (missing.length === 0) return describe;
  const reason = `needs ${missing.join(' and ')}`;
  if (!inCI) {
    return (name, tests) => {
      console.warn(`skipped "${name}": it ${reason}`);
      describe.skip(name, tests);
    };
  }
  return (name, tests) =>
    describe(name, () => {
      // First of the group's hooks, so it fails before any set-up runs.
      beforeAll(() => {
        throw new Error(`"${name}" ${reason}; with CI=true it fails instead of being skipped`);
      });
      tests();
    });
}
