import type { CliCommand } from '../command.ts';
import { benchCommand } from './bench.ts';
import { benchDallmiCommand } from './bench-dallmi.ts';
import { benchLatencyCommand } from './bench-latency.ts';
import { benchModelCommand } from './bench-model.ts';
import { benchSweepCommand } from './bench-sweep.ts';
import { benchNgramCommand } from './bench-ngram.ts';
import { datasetsCommand } from './datasets.ts';
import { doctorCommand } from './doctor.ts';
import { encodeCommand } from './encode.ts';
import { reportCommand } from './report.ts';
import { runCommand } from './run.ts';
import { runMultitaskCommand } from './run-multitask.ts';
import { runsCommand } from './runs.ts';
import { sweepCommand } from './sweep.ts';
import { trackingCommand } from './tracking.ts';

/** Every command of `workbench`, in help order. A new command is one file and one line here. */
export const COMMANDS: CliCommand[] = [doctorCommand, runCommand, runMultitaskCommand, sweepCommand, benchCommand, benchModelCommand, benchLatencyCommand, benchSweepCommand, benchNgramCommand, benchDallmiCommand, trackingCommand, datasetsCommand, runsCommand, reportCommand, encodeCommand];
