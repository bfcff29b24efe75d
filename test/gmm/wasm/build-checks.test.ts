/**
 * buildWasm's failure message (src/gmm/wasm/build.ts): a source the compiler cannot read fails with the source's
 * name, the compiler's error and its diagnostics (the successful builds are checked by the reproducibility tests).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildWasm } from '../../../src/gmm/wasm/build.ts';

test('buildWasm: a failed build names the source and carries the compiler diagnostics', async () => {
  const source = 'src/gmm/wasm/assembly/no-such-kernel.ts';
  await assert.rejects(buildWasm({ source, target: 'unused.ts', prefix: 'X' }), (e: Error) => {
    const [first, ...rest] = e.message.split('\n');
    assert.equal(`${e.name}: ${first}`, `Error: AssemblyScript build of ${source} failed: 1 parse error(s)`);
    assert.ok(rest.join('\n').includes(`File '${source}' not found.`), e.message);
    return true;
  });
});
