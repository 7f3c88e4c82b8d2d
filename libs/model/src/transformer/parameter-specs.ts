import type { TransformerConfig } from './transformer-config.ts';

/** One trainable tensor of a transformer: its Hugging Face name (no model prefix) and shape, and how it starts. */
export interface ParameterSpec {
  name: string;
  /** The shape in the checkpoint (PyTorch layout: Linear weights are [out, in]). */
  hfShape: number[];
  /** True for Linear weights, kept here as [in, out] kernels so every forward matmul is the plain (fast) kernel. */
  transposed: boolean;
  init: 'normal' | 'zeros' | 'ones';
  /** An embedding row that starts at zero and never receives a gradient (nn.Embedding padding_idx). */
  paddingRow?: number;
}

/** Our in-memory shape of a parameter: Linear weights transposed to [in, out]. */
export function localShape(spec: ParameterSpec): number[] {
  return spec.transposed ? [spec.hfShape[1] as number, spec.hfShape[0] as number] : spec.hfShape;
}

/** Every parameter of the encoder, in transformers' named_parameters() order. */
export function transformerParameterSpecs(c: Required<TransformerConfig>): ParameterSpec[] {
  const H = c.hiddenSize;
  const linear = (name: string, out: number, inp: number): ParameterSpec[] => [
    { name: `${name}.weight`, hfShape: [out, inp], transposed: true, init: 'normal' },
    { name: `${name}.bias`, hfShape: [out], transposed: false, init: 'zeros' },
  ];
  const norm = (name: string): ParameterSpec[] => [
    { name: `${name}.weight`, hfShape: [H], transposed: false, init: 'ones' },
    { name: `${name}.bias`, hfShape: [H], transposed: false, init: 'zeros' },
  ];
  const specs: ParameterSpec[] = [
    { name: 'embeddings.word_embeddings.weight', hfShape: [c.vocabSize, H], transposed: false, init: 'normal', paddingRow: c.padTokenId },
    {
      name: 'embeddings.position_embeddings.weight',
      hfShape: [c.maxPositions, H],
      transposed: false,
      init: 'normal',
      ...(c.modelType === 'roberta' ? { paddingRow: c.padTokenId } : {}),
    },
    { name: 'embeddings.token_type_embeddings.weight', hfShape: [c.typeVocabSize, H], transposed: false, init: 'normal' },
    ...norm('embeddings.LayerNorm'),
  ];
  for (let i = 0; i < c.numLayers; i++) {
    const p = `encoder.layer.${i}`;
    specs.push(
      ...linear(`${p}.attention.self.query`, H, H),
      ...linear(`${p}.attention.self.key`, H, H),
      ...linear(`${p}.attention.self.value`, H, H),
      ...linear(`${p}.attention.output.dense`, H, H),
      ...norm(`${p}.attention.output.LayerNorm`),
      ...linear(`${p}.intermediate.dense`, c.intermediateSize, H),
      ...linear(`${p}.output.dense`, H, c.intermediateSize),
      ...norm(`${p}.output.LayerNorm`),
    );
  }
  specs.push(...linear('pooler.dense', H, H));
  return specs;
}

/** Number of trainable numbers of a config. */
export function parameterCount(c: Required<TransformerConfig>): number {
  return transformerParameterSpecs(c).reduce((n, s) => n + s.hfShape.reduce((a, b) => a * b, 1), 0);
}
