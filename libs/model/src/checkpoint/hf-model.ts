import type { Tokenizer } from '@workbench/text';
import type { TransformerEncoder } from '../transformer/transformer-encoder.ts';
import type { ClassifierHead } from './classifier-head.ts';
import type { HfConfigJson } from './hf-config.ts';

/** A model that maps to a Hugging Face folder: an encoder, optionally a classifier head and a tokenizer. */
export interface HfModel {
  encoder: TransformerEncoder;
  head?: ClassifierHead;
  tokenizer?: Tokenizer;
  /** The config.json it came from (its other keys, e.g. id2label, are written back on save). */
  hfConfig?: HfConfigJson;
  /** 'bert.' / 'roberta.' when the weights carried the task-model prefix, '' for a bare encoder. */
  prefix?: string;
  /** Where it was loaded from (tokenizer files are copied from here on save). */
  folder?: string;
}

/** What `loadHfModel` returns: the model and what the checkpoint held that the model does not use. */
export interface LoadedHfModel extends HfModel {
  folder: string;
  hfConfig: HfConfigJson;
  prefix: string;
  /** Tensors in the file that map to no parameter (e.g. an MLM head), in file order. */
  unusedTensors: string[];
  /** Parameters absent from the file that transformers also re-initialises (the pooler of MLM checkpoints). */
  initializedTensors: string[];
  /** Human-readable notes (unused tensors, converted dtypes, missing tokenizer). */
  warnings: string[];
  dispose(): void;
}
