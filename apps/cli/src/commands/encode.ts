import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { WorkbenchError } from '@workbench/core';
import { loadHfModel, maxSequenceLength } from '@workbench/model';
import { initBackend, tf } from '@workbench/tensor';
import { exitState, type CliIO } from '../command.ts';
import type { CliCommand } from '../command.ts';
import { positiveInt } from '../options.ts';

interface EncodeOpts {
  model: string;
  input: string;
  out: string;
  maxLength?: number;
  batchSize: number;
}

/** The texts of a JSONL file (one {"text": ...} object a line; blank lines skipped), naming file and line on bad rows. */
export function readTexts(content: string, file: string): string[] {
  const texts: string[] = [];
  content.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (e) {
      throw new WorkbenchError('IO', `line is not valid JSON: ${(e as Error).message}`, { where: { file, line: i + 1 } });
    }
    const text = (row as { text?: unknown } | null)?.text;
    if (typeof text !== 'string') throw new WorkbenchError('IO', `expected an object with a string "text", got ${line.slice(0, 60)}`, { where: { file, line: i + 1 } });
    texts.push(text);
  });
  return texts;
}

async function readInput(input: string): Promise<string> {
  if (input !== '-') {
    try {
      return readFileSync(input, 'utf8');
    } catch (e) {
      throw new WorkbenchError('IO', `cannot read the input: ${(e as Error).message}`, { where: { file: input, source: '--input' } });
    }
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * `workbench encode`: runs a Hugging Face BERT/RoBERTa folder on texts and writes, per input, the token ids,
 * attention mask, last_hidden_state, pooler_output and (with a classifier) logits, as transformers computes them.
 */
export const encodeCommand: CliCommand = {
  register(program, io: CliIO) {
    program
      .command('encode')
      .description('encode texts with a Hugging Face BERT/RoBERTa folder: ids, mask, last_hidden_state, pooler_output, logits')
      .requiredOption('--model <folder>', 'Hugging Face model folder (config.json, model.safetensors, tokenizer files)')
      .requiredOption('--input <file>', 'JSONL file of {"text": ...} rows, or - for stdin')
      .requiredOption('--out <file>', 'JSON file to write')
      .option('--max-length <n>', 'truncate to and pad to n tokens (default: pad to the longest text of each batch)', positiveInt('--max-length'))
      .option('--batch-size <n>', 'texts per forward pass', positiveInt('--batch-size'), 32)
      .action(async (opts: EncodeOpts) => {
        const backend = await initBackend({ env: io.env });
        const texts = readTexts(await readInput(opts.input), opts.input === '-' ? '<stdin>' : opts.input);
        const model = await loadHfModel(opts.model, { warn: (m) => io.err(`warning: ${m}`) });
        try {
          const tokenizer = model.tokenizer;
          if (!tokenizer) throw new WorkbenchError('CHECKPOINT_INVALID', 'the model folder has no tokenizer files (vocab.txt, or vocab.json + merges.txt)', { where: { file: opts.model } });
          const limit = Math.min(maxSequenceLength(model.encoder.config), tokenizer.modelMaxLength ?? Infinity);
          if (opts.maxLength !== undefined && opts.maxLength > limit) {
            throw new WorkbenchError('CLI_USAGE', `--max-length ${opts.maxLength} exceeds the ${limit} positions of this model`, { where: { source: '--max-length' } });
          }
          const maxLength = opts.maxLength ?? limit;
          const results: Record<string, unknown>[] = [];
          for (let start = 0; start < texts.length; start += opts.batchSize) {
            const chunk = texts.slice(start, start + opts.batchSize);
            const enc = tokenizer.encodeBatch(chunk, { maxLength, truncation: true, padding: opts.maxLength !== undefined ? 'max_length' : 'longest' });
            // An id beyond the embedding table would read garbage inside tfjs: name the mismatch instead.
            const vocab = model.encoder.config.vocabSize;
            const bad = enc.inputIds.flat().find((id) => id < 0 || id >= vocab);
            if (bad !== undefined) {
              throw new WorkbenchError('CHECKPOINT_INVALID', `the tokenizer produced id ${bad}, outside the model's vocab_size ${vocab} (tokenizer and config.json disagree)`, {
                where: { file: opts.model },
              });
            }
            const out = tf.tidy(() => {
              const inputIds = tf.tensor2d(enc.inputIds, undefined, 'int32');
              const attentionMask = tf.tensor2d(enc.attentionMask, undefined, 'int32');
              const tokenTypeIds = tf.tensor2d(enc.tokenTypeIds, undefined, 'int32');
              const { lastHiddenState, poolerOutput } = model.encoder.forward({ inputIds, attentionMask, tokenTypeIds });
              return {
                last: lastHiddenState.arraySync() as number[][][],
                pooled: poolerOutput.arraySync() as number[][],
                logits: model.head ? (model.head.apply(poolerOutput).arraySync() as number[][]) : undefined,
              };
            });
            chunk.forEach((text, i) => {
              results.push({
                text,
                input_ids: enc.inputIds[i],
                attention_mask: enc.attentionMask[i],
                ...(model.encoder.kind === 'bert' ? { token_type_ids: enc.tokenTypeIds[i] } : {}),
                last_hidden_state: out.last[i],
                pooler_output: out.pooled[i],
                ...(out.logits ? { logits: out.logits[i] } : {}),
              });
            });
          }
          const doc = {
            model: path.resolve(opts.model),
            model_type: model.encoder.kind,
            backend: backend.name,
            max_length: maxLength,
            padding: opts.maxLength !== undefined ? 'max_length' : 'longest',
            hidden_size: model.encoder.hiddenSize,
            ...(model.head ? { num_labels: model.head.outputSize, problem_type: model.head.kind } : {}),
            results,
          };
          try {
            mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true });
            writeFileSync(opts.out, `${JSON.stringify(doc)}\n`);
          } catch (e) {
            throw new WorkbenchError('IO', `cannot write the output: ${(e as Error).message}`, { where: { file: opts.out, source: '--out' } });
          }
          io.err(`encoded ${texts.length} text(s) with ${model.encoder.kind} on ${backend.name} -> ${opts.out}`);
          exitState.code = 0;
        } finally {
          model.dispose();
        }
      });
  },
};
