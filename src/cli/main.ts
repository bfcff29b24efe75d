/**
 * `npm start`: the gmmgen entry point. With no command (or only flags) it starts the web app
 * (`serve`, default http://127.0.0.1:3000; `--port`, `--host`, PORT/HOST env); `npm start -- help` lists the
 * commands; `npm start -- <command> [flags]` dispatches to a command.
 */
import { initBackend } from '../backend/index.ts';

interface Command {
  name: string;
  summary: string;
  run?: (argv: string[]) => Promise<void>;
}

export const COMMANDS: Command[] = [
  { name: 'serve', summary: 'start the web app (default; --port N --host H, env PORT/HOST; default 127.0.0.1:3000)', run: serve },
  { name: 'backend', summary: 'print the tfjs backend that would be used and why others were skipped' },
];

async function serve(argv: string[]): Promise<void> {
  const { parseServeArgs, SERVE_USAGE } = await import('../server/options.ts');
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(SERVE_USAGE);
    return;
  }
  const options = parseServeArgs(argv);
  const { startServer } = await import('../server/app.ts');
  const s = await startServer(options);
  const st = s.ctx;
  console.log(`gmmgen web app: ${s.url}/`);
  const dm = st.digits.missing();
  if (dm.length) console.log(`  digits tabs: not available yet — ${dm.join('; ')}`);
  const sm = st.style.missing();
  if (sm.length) console.log(`  style tabs: ${sm.join('; ')}`);
  const stop = () => {
    console.log('stopping the server');
    void s.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || (cmd.startsWith('-') && cmd !== '--help' && cmd !== '-h')) {
    await serve(argv);
    return;
  }
  if (cmd === 'help' || cmd === '--help' || cmd === '-h') {
    const info = await initBackend({ quiet: true });
    console.log(`gmmgen — Gaussian-mixture generative modelling\n`);
    console.log(`tfjs backend: ${info.choice}${info.skipped.length ? `  (skipped: ${info.skipped.map((s) => s.choice).join(', ')})` : ''}`);
    console.log(`\ncommands (npm start -- <command> --help):`);
    for (const c of COMMANDS) console.log(`  ${c.name.padEnd(14)} ${c.summary}`);
    return;
  }
  const c = COMMANDS.find((x) => x.name === cmd);
  if (!c) {
    console.error(`unknown command "${cmd}". Run \`npm start -- help\` for the list.`);
    process.exitCode = 2;
    return;
  }
  if (c.name === 'backend') {
    const info = await initBackend({ quiet: true });
    console.log(JSON.stringify(info, null, 2));
    return;
  }
  await c.run!(rest);
}

main(process.argv.slice(2)).catch((e: Error) => {
  console.error(`error: ${e.message}`);
  process.exitCode = 1;
});
