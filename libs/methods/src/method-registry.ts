import { Registry } from '@workbench/core';
import type { MethodContext } from './method-context.ts';
import type { MethodSpec } from './method.ts';
import { DALLMI, DALLMI_REFERENCE } from './methods/dallmi.ts';
import { DANN } from './methods/dann.ts';
import { ORACLE } from './methods/oracle.ts';
import { PARTIAL_SUPERVISED } from './methods/partial-supervised.ts';
import { SOURCE_ONLY } from './methods/source-only.ts';
import { UNSUPERVISED } from './methods/unsupervised.ts';
import { VPU } from './methods/vpu.ts';

/** A method of the DALLMi study: trains `ctx.model` in place. */
export type DallmiMethod = MethodSpec<MethodContext, void>;

/** Every method by name: one file and one line each. */
export const METHODS = new Registry<DallmiMethod>('method')
  .register(SOURCE_ONLY.name, SOURCE_ONLY)
  .register(ORACLE.name, ORACLE)
  .register(PARTIAL_SUPERVISED.name, PARTIAL_SUPERVISED)
  .register(UNSUPERVISED.name, UNSUPERVISED)
  .register(DANN.name, DANN)
  .register(VPU.name, VPU)
  .register(DALLMI.name, DALLMI)
  .register(DALLMI_REFERENCE.name, DALLMI_REFERENCE);
