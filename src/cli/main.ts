#!/usr/bin/env node
/**
 * `npm start`: the gmmgen entry point. With no command (or only flags) it starts the web app
 * (`serve`, default http://127.0.0.1:3000; `--port`, `--host`, PORT/HOST env); `npm start -- help` lists the
 * commands; `npm start -- <command> [flags]` dispatches to a command. Flags are parsed with src/cli/args.ts:
 * a bad one prints the problem and the usage and exits 2 before anything loads.
 */
import { parseCli, reportUncaught, type CommandSpec, type FlagSpecs } from './args.ts';

interface Command {
  name: string;
  summary: string;
  run: (argv: string[]) => Promise<void>;
}

export const COMMANDS: Command[] = [
  { name: 'serve', summary: 'start the web app (default; --port N --host H, env PORT/HOST; default 127.0.0.1:3000)', run: serve },
  { name: 'backend', summary: 'print the tfjs backend that would be used and why others were skipped', run: backend },
];

async function serve(argv: string[]): Promise<void> {
  const { parseServeArgs, SERVE_COMMAND } = await import('../server/options.ts');
  parseCli(SERVE_COMMAND, argv); // --help, and every flag problem (exit 2), before the server loads
  const options = parseServeArgs(argv);
  const { startServer } = await import('../server/app.ts');
  const s = await startServer(options);
  const st = s.ctx;
  console.log(`gmmgen web app: ${s.url}/`);
  const dm = st.digits.missing();
  if (dm.length) console.log(`  digits tabs: not available yet — ${dm.join('; ')}`);
  const sm = st.style.missing(st.setup.items());
  if (sm.length) console.log(`  style tabs: ${sm.join('; ')}`);
  const setup = st.setup.status();
  if (setup.state === 'needed') console.log(`  style tabs: ${setup.message} (into ${st.options.download.cacheDir})`);
  const stop = () => {
    console.log('stopping the server');
    void s.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

const BACKEND_COMMAND = {
  name: 'backend',
  usage: 'npm start -- backend',
  description: 'Prints the tfjs backend that would be used and why others were skipped.',
  flags: {},
} satisfies CommandSpec<FlagSpecs>;

async function backend(argv: string[]): Promise<void> {
  parseCli(BACKEND_COMMAND, argv);
  const { initBackend } = await import('../backend/index.ts');
  console.log(JSON.stringify(await initBackend({ quiet: true }), null, 2));
}

async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || (cmd.startsWith('-') && cmd !== '--help' && cmd !== '-h')) {
    await serve(argv);
    return;
  }
  if (cmd === 'help' || cmd === '--help' || cmd === '-h') {
    const { initBackend } = await import('../backend/index.ts');
    const info = await initBackend({ quiet: true });
    console.log(`gmmgen — Gaussian-mixture generative modelling\n`);
    console.log(`tfjs backend: ${info.choice}${info.skipped.length ? `  (skipped: ${info.skipped.map((s) => s.choice).join(', ')})` : ''}`);
    console.log(`\ncommands (npm start -- <command> --help):`);
    for (const c of COMMANDS) console.log(`  ${c.name.padEnd(14)} ${c.summary}`);
    return;
  }
  const c = COMMANDS.find((x) => x.name === cmd);
  if (!c) {
    console.error(`gmmgen: unknown command "${cmd}". Run \`npm start -- help\` for the list.`);
    process.exitCode = 2;
    return;
  }
  await c.run(rest);
}

reportUncaught('gmmgen');
await main(process.argv.slice(2));
