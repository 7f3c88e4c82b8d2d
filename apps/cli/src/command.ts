import type { Command } from 'commander';

/** A CLI command: one file under commands/, one line in commands/index.ts. */
export interface CliCommand {
  /** Attaches the command (and its sub-commands) to the program. */
  register(program: Command, io: CliIO): void;
}

/** Where commands write; tests pass buffers. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
}

/** Commands set this to report their exit code (0 unless they say otherwise). */
export const exitState = { code: 0 };
