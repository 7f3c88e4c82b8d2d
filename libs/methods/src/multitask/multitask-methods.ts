import { Registry } from '@workbench/core';
import type { ResolvedTask } from './task-data.ts';

/** A way to serve several tasks: which models to train, each with the tasks it carries. */
export interface MultitaskMethod {
  name: string;
  description: string;
  /** The task groups: one model is trained per group. */
  models(tasks: readonly ResolvedTask[]): ResolvedTask[][];
}

/** The methods of the single- vs multi-task study, one line each. */
export const MULTITASK_METHODS = new Registry<MultitaskMethod>('multi-task method')
  .register('single-task', { name: 'single-task', description: 'one model (backbone + head) per task, trained on that task alone', models: (tasks) => tasks.map((t) => [t]) })
  .register('multi-task', { name: 'multi-task', description: 'one shared backbone with one head per task, trained on all tasks', models: (tasks) => [[...tasks]] });
