import { Command, CommanderError } from 'commander';
import { isWorkbenchError } from '@workbench/core';
import { exitState, type CliIO } from './command.ts';
import { COMMANDS } from './commands/index.ts';
import { workbenchVersion } from './version.ts';

/** Exit codes: 0 ok, 1 a run or input failed, 2 usage (unknown command or flag, bad flag value). */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2 } as const;

export function buildProgram(io: CliIO): Command {
  const program = new Command('workbench')
    .description('Run, track and compare domain-adaptation experiments on transformer text classifiers')
    .version(workbenchVersion(), '-V, --version')
    .showHelpAfterError()
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, '')), writeErr: (s) => io.err(s.replace(/\n$/, '')) });
  for (const c of COMMANDS) c.register(program, io);
  // Sub-commands inherit the output and exit behaviour.
  const configure = (cmd: Command): void => {
    for (const sub of cmd.commands) {
      sub.exitOverride().showHelpAfterError().showSuggestionAfterError().configureOutput(program.configureOutput());
      configure(sub);
    }
  };
  configure(program);
  return program;
}

/** Runs the CLI on argv (node, script, ...args) and returns the exit code. */
export async function main(argv: string[], io: CliIO = defaultIO()): Promise<number> {
  exitState.code = EXIT.OK;
  const program = buildProgram(io);
  if (argv.length <= 2) {
    io.err(program.helpInformation());
    return EXIT.USAGE;
  }
  try {
    await program.parseAsync(argv);
    return exitState.code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.OK;
      // commander has already printed the message and the usage.
      return EXIT.USAGE;
    }
    if (isWorkbenchError(e)) {
      io.err(`error: ${e.message}`);
      return e.code === 'CLI_USAGE' ? EXIT.USAGE : EXIT.FAILED;
    }
    io.err(`error: ${(e as Error)?.stack ?? String(e)}`);
    return EXIT.FAILED;
  }
}

function defaultIO(): CliIO {
  return { out: (s) => process.stdout.write(`${s}\n`), err: (s) => process.stderr.write(`${s}\n`), env: process.env };
}
