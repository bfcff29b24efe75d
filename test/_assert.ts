/** Assertions shared by the test files. */
import assert from 'node:assert/strict';

/** Asserts that f throws, with exactly `message` as `${error.name}: ${error.message}` (the type is part of it). */
export function throwsExactly(f: () => unknown, message: string): void {
  assert.throws(f, (e: Error) => {
    assert.equal(`${e.name}: ${e.message}`, message);
    return true;
  });
}
