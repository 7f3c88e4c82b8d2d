import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { WorkbenchError } from '@workbench/core';
import { tf } from '@workbench/tensor';
import { loadTokenizer, type Tokenizer } from '@workbench/text';
import { TransformerEncoder } from '../transformer/transformer-encoder.ts';
import { transformerParameterSpecs } from '../transformer/parameter-specs.ts';
import { ClassifierHead } from './classifier-head.ts';
import { configFromHf, type HfConfigJson } from './hf-config.ts';
import { ROBERTA_CLASSIFIER_OUT, robertaClassifierName } from './roberta-classification-layout.ts';
import type { LoadedHfModel } from './hf-model.ts';
import { entryToFloat32, parseSafetensors, type SafetensorsEntry } from './safetensors.ts';
import { transpose2d } from './transpose-2d.ts';

export interface LoadHfModelOptions {
  /** Seed of dropout and of any re-initialised parameter (default 0). */
  seed?: number;
  /** Load the tokenizer files too (default true). */
  tokenizer?: boolean;
  /** Where warnings go (default: console.warn). */
  warn?: (message: string) => void;
}

/** Buffers transformers keeps in the state_dict: recognised, not parameters, never "unused". */
const BUFFERS = new Set(['embeddings.position_ids', 'embeddings.token_type_ids']);
/** Parameters transformers re-initialises (with a warning) when a checkpoint lacks them: MLM checkpoints have no pooler. */
const OPTIONAL = /^pooler\./;

/**
 * Loads a Hugging Face BERT / RoBERTa folder: config.json, model.safetensors (names with or without the
 * 'bert.' / 'roberta.' prefix, old LayerNorm gamma/beta names accepted), `classifier.weight/bias` as a linear
 * head (BertForSequenceClassification) or RobertaForSequenceClassification's `classifier.dense` (into the pooler,
 * with the head's input dropout) + `classifier.out_proj` (the linear head), and the tokenizer files when @workbench/text can read them. Every tensor is checked against the
 * architecture in config.json: a missing or mis-shaped tensor is an error naming it with the expected and the
 * found shape; tensors the model does not use are returned and warned about.
 */
export async function loadHfModel(folder: string, options: LoadHfModelOptions = {}): Promise<LoadedHfModel> {
  const warn = options.warn ?? ((m: string) => console.warn(m));
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new WorkbenchError('CHECKPOINT_INVALID', `model folder '${folder}' does not exist or is not a directory`, { where: { file: folder } });
  }
  const configFile = join(folder, 'config.json');
  const weightsFile = join(folder, 'model.safetensors');
  if (!existsSync(configFile)) {
    throw new WorkbenchError('CHECKPOINT_INVALID', `model folder '${folder}' has no config.json`, {
      where: { file: folder },
      hint: 'a Hugging Face model folder holds config.json and model.safetensors (save_pretrained writes both)',
    });
  }
  if (!existsSync(weightsFile)) {
    const pickle = existsSync(join(folder, 'pytorch_model.bin'));
    throw new WorkbenchError('CHECKPOINT_INVALID', `model folder '${folder}' has no model.safetensors${pickle ? ' (only pytorch_model.bin, a pickle, which cannot be read safely)' : ''}`, {
      where: { file: folder },
      hint: pickle ? "re-save it with transformers: model.save_pretrained(folder, safe_serialization=True)" : undefined,
    });
  }
  let hfConfig: HfConfigJson;
  try {
    hfConfig = JSON.parse(readFileSync(configFile, 'utf8')) as HfConfigJson;
  } catch (e) {
    throw new WorkbenchError('CHECKPOINT_INVALID', `config.json is not valid JSON: ${(e as Error).message}`, { where: { file: configFile } });
  }
  const config = configFromHf(hfConfig, configFile, options.seed ?? 0);
  const file = parseSafetensors(new Uint8Array(readFileSync(weightsFile)), weightsFile);
  const warnings: string[] = [];
  const note = (m: string): void => {
    warnings.push(m);
    warn(m);
  };
  if (file.metadata['format'] !== undefined && file.metadata['format'] !== 'pt') note(`${weightsFile}: metadata format is '${file.metadata['format']}', not 'pt'`);

  // Strip the task-model prefix ('bert.', 'roberta.') and map TF-era LayerNorm names.
  const prefix = `${config.modelType}.`;
  const hasPrefix = [...file.tensors.keys()].some((n) => n.startsWith(prefix));
  const byName = new Map<string, { original: string; entry: SafetensorsEntry }>();
  for (const [original, entry] of file.tensors) {
    let name = hasPrefix && original.startsWith(prefix) ? original.slice(prefix.length) : original;
    name = name.replace(/LayerNorm\.gamma$/, 'LayerNorm.weight').replace(/LayerNorm\.beta$/, 'LayerNorm.bias');
    byName.set(name, { original, entry });
  }

  const specs = transformerParameterSpecs(config);
  const initial = new Map<string, tf.Tensor>();
  const used = new Set<string>();
  const initializedTensors: string[] = [];
  const load = (name: string, hfShape: number[], transposed: boolean): tf.Tensor | undefined => {
    const found = byName.get(name);
    if (!found) return undefined;
    used.add(name);
    const { original, entry } = found;
    if (!sameShape(entry.shape, hfShape)) {
      throw new WorkbenchError('CHECKPOINT_INVALID', `tensor '${original}' has shape [${entry.shape.join(', ')}], expected [${hfShape.join(', ')}] (from config.json)`, {
        where: { file: weightsFile, path: original },
      });
    }
    if (!['F32', 'F64', 'F16', 'BF16'].includes(entry.dtype)) {
      throw new WorkbenchError('CHECKPOINT_INVALID', `tensor '${original}' has dtype ${entry.dtype}, expected a floating-point type (F32)`, { where: { file: weightsFile, path: original } });
    }
    if (entry.dtype !== 'F32') note(`${weightsFile}: tensor '${original}' converted from ${entry.dtype} to F32`);
    const data = entryToFloat32(entry, original, weightsFile);
    return transposed ? tf.tensor2d(transpose2d(data, hfShape[0] as number, hfShape[1] as number), [hfShape[1] as number, hfShape[0] as number]) : tf.tensor(data, hfShape);
  };
  let head: ClassifierHead | undefined;
  let encoder: TransformerEncoder | undefined;
  const robertaHead = config.modelType === 'roberta' && byName.has(`${ROBERTA_CLASSIFIER_OUT}.weight`);
  const classifierDropout = typeof hfConfig['classifier_dropout'] === 'number' ? hfConfig['classifier_dropout'] : config.hiddenDropout;
  try {
    for (const spec of specs) {
      // In the RoBERTa classification layout the pooler is the head's dense layer: required, under its head name.
      const alias = robertaHead ? robertaClassifierName(spec.name) : undefined;
      const t = load(alias ?? spec.name, spec.hfShape, spec.transposed);
      if (t) {
        initial.set(spec.name, t);
      } else if (!alias && OPTIONAL.test(spec.name)) {
        initializedTensors.push(spec.name);
      } else {
        const missing = alias ?? `${hasPrefix ? prefix : ''}${spec.name}`;
        throw new WorkbenchError('CHECKPOINT_INVALID', `tensor '${missing}' is missing (expected shape [${spec.hfShape.join(', ')}])`, {
          where: { file: weightsFile, path: alias ?? spec.name },
        });
      }
    }
    if (initializedTensors.length) note(`${weightsFile}: ${initializedTensors.join(', ')} not in the checkpoint: newly initialised (as transformers does)`);
    for (const buffer of BUFFERS) if (byName.has(buffer)) used.add(buffer);
    encoder = new TransformerEncoder(config, initial);
    // RobertaClassificationHead also drops out the <s> features before its dense layer (our pooler).
    if (robertaHead) encoder.poolerInputDropout = classifierDropout;

    const headName = robertaHead ? ROBERTA_CLASSIFIER_OUT : 'classifier';
    const classifier = byName.get(`${headName}.weight`);
    if (classifier) {
      const numLabels = classifier.entry.shape[0] as number;
      const kernel = load(`${headName}.weight`, [numLabels, config.hiddenSize], true) as tf.Tensor2D;
      const bias = load(`${headName}.bias`, [numLabels], false);
      if (!bias) {
        kernel.dispose();
        throw new WorkbenchError('CHECKPOINT_INVALID', `tensor '${headName}.bias' is missing (expected shape [${numLabels}])`, { where: { file: weightsFile } });
      }
      const kind = hfConfig['problem_type'] === 'multi_label_classification' ? 'multi-label' : 'multi-class';
      head = new ClassifierHead(kind, kernel, bias as tf.Tensor1D, classifierDropout, config.seed);
      kernel.dispose();
      bias.dispose();
    }
  } catch (e) {
    encoder?.dispose();
    throw e;
  } finally {
    for (const t of initial.values()) t.dispose();
  }

  const unusedTensors = [...byName.entries()].filter(([name]) => !used.has(name)).map(([, { original }]) => original);
  if (unusedTensors.length) note(`${weightsFile}: ${unusedTensors.length} tensor(s) not used by ${config.modelType}${head ? ' + classifier' : ''}: ${unusedTensors.join(', ')}`);

  let tokenizer: Tokenizer | undefined;
  try {
    if (options.tokenizer !== false) tokenizer = tokenizerIfPresent(folder, note);
  } catch (e) {
    encoder.dispose();
    head?.dispose();
    throw e;
  }

  const model: LoadedHfModel = {
    encoder,
    ...(head ? { head } : {}),
    ...(tokenizer ? { tokenizer } : {}),
    hfConfig,
    prefix: hasPrefix ? prefix : '',
    folder,
    unusedTensors,
    initializedTensors,
    warnings,
    dispose() {
      encoder?.dispose();
      head?.dispose();
    },
  };
  return model;
}

/** The folder's tokenizer (@workbench/text); a folder without tokenizer files is a warning, not an error. */
function tokenizerIfPresent(folder: string, note: (m: string) => void): Tokenizer | undefined {
  const hasFiles = ['vocab.txt', 'vocab.json'].some((f) => existsSync(join(folder, f)));
  if (!hasFiles) {
    note(`${folder}: no tokenizer files (vocab.txt, or vocab.json + merges.txt): the model was loaded without a tokenizer`);
    return undefined;
  }
  return loadTokenizer(folder);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
