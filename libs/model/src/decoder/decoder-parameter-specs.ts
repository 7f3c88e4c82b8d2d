import type { DecoderConfig } from './decoder-config.ts';

/** One GPT-2 parameter: HF name, shape (identical in the checkpoint and here: Conv1D weights are [in, out]), init. */
export interface DecoderParameterSpec {
  name: string;
  shape: number[];
  init: 'normal' | 'zeros' | 'ones';
  /** GPT-2 scales the init of the residual projections by 1 / sqrt(2 * n_layer) (transformers' _init_weights). */
  std?: number;
}

/** Every parameter in transformers' GPT2Model named_parameters() order. */
export function decoderParameterSpecs(c: Required<DecoderConfig>): DecoderParameterSpec[] {
  const H = c.hiddenSize;
  const residualStd = c.initializerRange / Math.sqrt(2 * c.numLayers);
  const conv = (name: string, inp: number, out: number, std?: number): DecoderParameterSpec[] => [
    { name: `${name}.weight`, shape: [inp, out], init: 'normal', ...(std !== undefined ? { std } : {}) },
    { name: `${name}.bias`, shape: [out], init: 'zeros' },
  ];
  const norm = (name: string): DecoderParameterSpec[] => [
    { name: `${name}.weight`, shape: [H], init: 'ones' },
    { name: `${name}.bias`, shape: [H], init: 'zeros' },
  ];
  const specs: DecoderParameterSpec[] = [
    { name: 'wte.weight', shape: [c.vocabSize, H], init: 'normal' },
    { name: 'wpe.weight', shape: [c.maxPositions, H], init: 'normal' },
  ];
  for (let i = 0; i < c.numLayers; i++) {
    const p = `h.${i}`;
    specs.push(
      ...norm(`${p}.ln_1`),
      ...conv(`${p}.attn.c_attn`, H, 3 * H),
      ...conv(`${p}.attn.c_proj`, H, H, residualStd),
      ...norm(`${p}.ln_2`),
      ...conv(`${p}.mlp.c_fc`, H, c.intermediateSize),
      ...conv(`${p}.mlp.c_proj`, c.intermediateSize, H, residualStd),
    );
  }
  specs.push(...norm('ln_f'));
  return specs;
}

export function decoderParameterCount(c: Required<DecoderConfig>): number {
  return decoderParameterSpecs(c).reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
}
