// Public API of @workbench/model.
export type { Encoder, Head } from './encoder.ts';
