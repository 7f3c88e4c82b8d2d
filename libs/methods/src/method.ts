import type { DeepPartial, Rng, RunLogger } from '@workbench/core';
import type { CellConfig } from './cell-config.ts';

/** Which labels of target train a method may see. The runner enforces it: the others never reach it. */
export type TargetLabelAccess = 'none' | 'observed' | 'full';

/** What a method starts from. */
export type StartPoint = 'source' | 'scratch';

/** Progress of a running method, for live sweep lines and logs. */
export interface Progress {
  stage: string;
  epoch: number;
  epochs: number;
  step: number;
  steps: number;
  loss?: number;
}

/**
 * A training procedure, registered by name. A new method is one file and one registry line.
 * `dependsOn` lists the config paths that decide its result; cells that differ elsewhere are the same run.
 */
export interface MethodSpec<TContext = unknown, TResult = unknown> {
  name: string;
  description: string;
  dependsOn: readonly string[];
  targetLabels: TargetLabelAccess;
  startsFrom: StartPoint;
  /** Applied over the user's config before identity and training (e.g. `dallmi-reference`). */
  configOverrides?: DeepPartial<CellConfig>;
  train(context: TContext): Promise<TResult>;
}

/** What every method receives besides its data and model. */
export interface MethodEnvironment {
  config: CellConfig;
  /** The cell's root stream; methods derive named streams from it. */
  rng: Rng;
  logger: RunLogger;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}
