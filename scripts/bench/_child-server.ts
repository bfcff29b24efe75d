/**
 * A helper module of the benchmarks, not a script: the web app as a child process (`src/cli/main.ts serve` of
 * a repository, this one by default) on a free loopback port, resolved once /api/status answers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { repoRoot } from '../../src/util/paths.ts';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
    s.on('error', reject);
  });
}

/** Starts the server (extra `serve` flags in `args`) and waits up to 5 minutes for it to answer (this shared machine pauses processes). */
export async function startServerProcess(opts: { root?: string; args?: string[] } = {}): Promise<{ url: string; child: ChildProcess }> {
  const root = opts.root ?? repoRoot;
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'serve', '--port', String(port), '--quiet', ...(opts.args ?? [])], {
    cwd: root, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, GMMGEN_QUIET: '1' },
  });
  const url = `http://127.0.0.1:${port}`;
  for (const t0 = Date.now(); ; await new Promise((r) => setTimeout(r, 250))) {
    if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/api/status`, { signal: AbortSignal.timeout(10_000) })).ok) return { url, child };
    } catch {
      /* not up yet */
    }
    if (Date.now() - t0 > 300_000) {
      child.kill('SIGTERM');
      throw new Error('the server did not start within 5 minutes');
    }
  }
}
