/**
 * `npm start`: the gmmgen entry point. Until the web app lands this prints the backend in use and the
 * commands that exist; `npm start -- <command> [flags]` dispatches to a command.
 */
import { initBackend } from '../backend/index.ts';

interface Command {
  name: string;
  summary: string;
  run?: (argv: string[]) => Promise<void>;
}

export const COMMANDS: Command[] = [
  { name: 'backend', summary: 'print the tfjs backend that would be used and why others were skipped' },
];

async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h') {
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
