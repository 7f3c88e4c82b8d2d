import { WorkbenchError } from '@workbench/core';
import { Gpt2Decoder, TransformerEncoder, entryToFloat32, parseSafetensors, serializeSafetensors, type DecoderConfig, type Encoder, type TransformerConfig } from '@workbench/model';
import { MultitaskModel, type WeightMap } from './multitask-model.ts';
import type { PoolingName } from './sequence-pooling.ts';
import type { ResolvedTask } from './task-data.ts';

/** What `models/manifest.json` of a multi-task run holds: enough to rebuild every model it served with. */
export interface ModelsManifest {
  format: 'workbench-multitask/1';
  method: string;
  backbone: Record<string, string | number>;
  padId: number;
  /** `pooling` is absent from manifests written before it was configurable: those used the backbone's own. */
  models: { file: string; tasks: ResolvedTask[]; pooling?: PoolingName; encoderKind: string; encoderConfig: Record<string, unknown>; parameters: number }[];
}

/** A model's weights as safetensors bytes (every weight by its `variables()` name, float32). */
export function modelWeightsBytes(model: MultitaskModel): Uint8Array {
  const inputs = [...model.snapshot()].map(([name, w]) => ({ name, dtype: 'F32' as const, shape: w.shape, bytes: new Uint8Array(w.values.buffer, w.values.byteOffset, w.values.byteLength) }));
  return serializeSafetensors(inputs, { format: 'pt', producer: 'workbench' });
}

export function encoderConfigOf(encoder: Encoder): Record<string, unknown> {
  return { ...(encoder as unknown as { config: Record<string, unknown> }).config };
}

/** Rebuilds one model of a manifest from its weight file's bytes. */
export function loadManifestModel(manifest: ModelsManifest, index: number, bytes: Uint8Array, source: string): MultitaskModel {
  const m = manifest.models[index];
  if (!m) throw new WorkbenchError('CHECKPOINT_INVALID', `the manifest has no model ${index}`, { where: { file: source } });
  let encoder: Encoder;
  if (m.encoderKind === 'bert' || m.encoderKind === 'roberta') encoder = new TransformerEncoder(m.encoderConfig as Required<TransformerConfig>);
  else if (m.encoderKind === 'gpt2') encoder = new Gpt2Decoder(m.encoderConfig as Required<DecoderConfig>);
  else throw new WorkbenchError('CHECKPOINT_INVALID', `unknown encoder kind '${m.encoderKind}' in the manifest`, { where: { file: source } });
  const model = new MultitaskModel(encoder, m.tasks, manifest.padId, 0, m.pooling ?? 'native');
  try {
    const parsed = parseSafetensors(bytes, source);
    const weights: WeightMap = new Map();
    for (const [name, entry] of parsed.tensors) weights.set(name, { shape: entry.shape, values: entryToFloat32(entry, name, source) });
    model.restore(weights);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}
