import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { Rng, WorkbenchError } from '@workbench/core';
import { datasetsDirectory } from '@workbench/data';
import { macroAveragePrecision, matrixFromFlat, perLabelAveragePrecision } from '@workbench/metrics';
import {
  AdamW,
  DEFAULT_NGRAM_ENCODER,
  HashingWordTokenizer,
  inverseDocumentFrequency,
  linearWarmupDecay,
  MultiLabelHead,
  NgramEncoder,
  padIds,
  TfidfLogReg,
  trainStep,
} from '@workbench/model';
import { priorBias } from '@workbench/methods';
import { initBackend, tf } from '@workbench/tensor';
import type { CliCommand } from '../command.ts';
import { positiveInt } from '../options.ts';

interface Opts {
  data?: string;
  epochs: number;
  batch: number;
  lr: number;
  dim: number;
  buckets: number;
  vocab: number;
  hidden: number;
  dropout: number;
  pooling: 'mean' | 'sqrt' | 'tfidf';
  initStd: number;
  headBias: 'prior' | 'zero';
  weightDecay: number;
  maxLength: number;
  valFraction: number;
  seed: number;
  c: number;
  baseline: boolean;
  json?: boolean;
}

/** Tuned on the source validation split (seed 0), see the README of libs/model. */
const DEFAULTS = { epochs: 8, batch: 64, lr: 0.05, weightDecay: 0, maxLength: 256, valFraction: 0.2, seed: 0, c: 16 };

interface Row {
  id: string;
  text: string;
  labels: string[];
}

function readJsonl(file: string): Row[] {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (e) {
    throw new WorkbenchError('DATASET_NOT_FOUND', `cannot read ${file}: ${(e as Error).message}`, { where: { file, source: '--data' } });
  }
  return raw
    .split('\n')
    .map((line, i) => ({ line, i }))
    .filter(({ line }) => line.trim() !== '')
    .map(({ line, i }) => {
      try {
        const r = JSON.parse(line) as Row;
        if (typeof r.text !== 'string' || !Array.isArray(r.labels)) throw new Error('a row needs "text" (string) and "labels" (array)');
        return r;
      } catch (e) {
        throw new WorkbenchError('DATASET_INVALID', (e as Error).message, { where: { file, line: i + 1 } });
      }
    });
}

function number(flag: string, lo: number, hi: number): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < lo || n > hi) throw new WorkbenchError('CLI_USAGE', `${flag} must be a number in [${lo}, ${hi}], got '${v}'`, { where: { source: flag } });
    return n;
  };
}

function macroAp(yTrue: Float32Array, scores: Float32Array, labels: number): number {
  return macroAveragePrecision(matrixFromFlat(yTrue, labels), matrixFromFlat(scores, labels)).value;
}

/** `workbench bench ngram`: the bag-of-n-grams classifier against TF-IDF + logistic regression on debtags-dev source. */
export const benchNgramCommand: CliCommand = {
  register(program, io) {
    const bench = program.commands.find((c: Command) => c.name() === 'bench') ?? program.command('bench').description('benchmarks');
    const e = DEFAULT_NGRAM_ENCODER;
    bench
      .command('ngram')
      .description('train the n-gram encoder + multi-label head (BCE) on debtags-dev source, report source-validation macro mAP and training speed, next to TF-IDF + one-vs-rest logistic regression on the same split')
      .option('--data <dir>', 'folder with source.jsonl and labels.json (default: <workspace>/datasets/debtags-dev)')
      .option('--epochs <n>', 'training epochs', positiveInt('--epochs'), DEFAULTS.epochs)
      .option('--batch <n>', 'sequences per batch', positiveInt('--batch'), DEFAULTS.batch)
      .option('--lr <x>', 'peak AdamW learning rate (5% linear warm-up, linear decay)', number('--lr', 0, 10), DEFAULTS.lr)
      .option('--dim <n>', 'embedding size', positiveInt('--dim'), e.dim)
      .option('--buckets <n>', 'bigram hash buckets', positiveInt('--buckets'), e.buckets)
      .option('--vocab <n>', 'word hash ids', positiveInt('--vocab'), e.vocabSize)
      .option('--hidden <n>', 'hidden layer size (0: none)', number('--hidden', 0, 1e5), e.hidden)
      .option('--dropout <x>', 'embedding dropout', number('--dropout', 0, 0.99), e.dropout)
      .addOption(new Option('--head-bias <kind>', "initial head bias: each label's training log-odds, or zero").choices(['prior', 'zero']).default('prior'))
      .addOption(new Option('--pooling <kind>', 'mean | sqrt | tfidf (IDFs from the training split)').choices(['mean', 'sqrt', 'tfidf']).default(e.pooling))
      .option('--init-std <x>', 'standard deviation of the embedding initialisation', number('--init-std', 0, 10), e.initStd)
      .option('--weight-decay <x>', 'AdamW decoupled weight decay', number('--weight-decay', 0, 10), DEFAULTS.weightDecay)
      .option('--max-length <n>', 'words kept per text', positiveInt('--max-length'), DEFAULTS.maxLength)
      .option('--val-fraction <x>', 'fraction of source rows held out for validation', number('--val-fraction', 0.01, 0.9), DEFAULTS.valFraction)
      .option('--seed <n>', 'seed of the split, the initialisation, dropout and batch order', number('--seed', 0, 2 ** 31), DEFAULTS.seed)
      .option('--c <x>', 'inverse L2 strength of the logistic regression (scikit-learn C)', number('--c', 1e-6, 1e6), DEFAULTS.c)
      .option('--no-baseline', 'skip TF-IDF + logistic regression')
      .option('--json', 'print JSON')
      .action(async (opts: Opts) => {
        const backend = await initBackend({ env: io.env });
        const dir = opts.data ?? path.join(datasetsDirectory({ env: io.env }).dir, 'debtags-dev');
        const rows = readJsonl(path.join(dir, 'source.jsonl'));
        const labelsFile = path.join(dir, 'labels.json');
        const labelNames = (JSON.parse(readFileSync(labelsFile, 'utf8')) as { labels: string[] }).labels;
        const L = labelNames.length;
        const index = new Map(labelNames.map((l, j) => [l, j]));
        const y = rows.map((r) => {
          const v = new Float32Array(L);
          for (const l of r.labels) {
            const j = index.get(l);
            if (j !== undefined) v[j] = 1;
          }
          return v;
        });
        const root = new Rng(opts.seed);
        const perm = root.derive('split').permutation(rows.length);
        const nVal = Math.round(rows.length * opts.valFraction);
        const val = perm.slice(0, nVal);
        const train = perm.slice(nVal);
        const yVal = new Float32Array(val.length * L);
        val.forEach((r, i) => yVal.set(y[r] as Float32Array, i * L));

        const tok = new HashingWordTokenizer({ vocabSize: opts.vocab, maxLength: opts.maxLength });
        const ids = rows.map((r) => tok.encode(r.text));
        const idf = opts.pooling === 'tfidf' ? inverseDocumentFrequency(train.map((r) => ids[r] as Int32Array), opts.vocab, tok.firstWordId) : undefined;
        const enc = new NgramEncoder({ vocabSize: opts.vocab, buckets: opts.buckets, dim: opts.dim, hidden: opts.hidden, dropout: opts.dropout, pooling: opts.pooling, initStd: opts.initStd, seed: opts.seed }, idf);
        const head = new MultiLabelHead({ inputSize: enc.hiddenSize, numLabels: L, dropout: 0, seed: opts.seed });
        if (opts.headBias === 'prior') {
          // As the methods' stage 1 (backbone.headBias 'prior'): each label starts at its training log-odds.
          const counts = new Float64Array(L);
          for (const r of train) for (let j = 0; j < L; j++) counts[j] += (y[r] as Float32Array)[j] as number;
          tf.tidy(() => (head.variables().get('classifier.bias') as tf.Variable).assign(tf.tensor1d(priorBias(counts, train.length))));
        }
        const vars = new Map([...enc.variables(), ...head.variables()]);
        const optimizer = new AdamW({ lr: opts.lr, weightDecay: opts.weightDecay });
        const order = root.derive('batches');
        const stepsPerEpoch = Math.ceil(train.length / opts.batch);
        const totalSteps = stepsPerEpoch * opts.epochs;
        const warmup = Math.round(totalSteps * 0.05);

        let lastScores = new Float32Array(0);
        const evaluate = (): number => {
          const scores = new Float32Array(val.length * L);
          for (let i = 0; i < val.length; i += 256) {
            const part = val.slice(i, i + 256);
            const b = padIds(part.map((r) => ids[r] as Int32Array), tok.padId);
            const p = tf.tidy(() => {
              const x = tf.tensor2d(b.inputIds, [b.batch, b.length], 'int32');
              const m = tf.tensor2d(b.attentionMask, [b.batch, b.length]);
              return head.predict(head.apply(enc.pool(enc.encode(enc.embed(x), m), m)));
            });
            scores.set(p.dataSync() as Float32Array, i * L);
            p.dispose();
          }
          lastScores = scores;
          return macroAp(yVal, scores, L);
        };

        const curve: { epoch: number; loss: number; valMacroAp: number }[] = [];
        let trainMs = 0;
        let sequences = 0;
        let tokens = 0;
        const wall0 = performance.now();
        let step = 0;
        for (let epoch = 1; epoch <= opts.epochs; epoch++) {
          const shuffled = order.shuffle(train.slice());
          let lossSum = 0;
          for (let i = 0; i < shuffled.length; i += opts.batch) {
            const t0 = performance.now();
            const part = shuffled.slice(i, i + opts.batch);
            const b = padIds(part.map((r) => ids[r] as Int32Array), tok.padId);
            const yb = new Float32Array(part.length * L);
            part.forEach((r, k) => yb.set(y[r] as Float32Array, k * L));
            const x = tf.tensor2d(b.inputIds, [b.batch, b.length], 'int32');
            const m = tf.tensor2d(b.attentionMask, [b.batch, b.length]);
            const target = tf.tensor2d(yb, [part.length, L]);
            const r = trainStep(() => head.loss(head.apply(enc.pool(enc.encode(enc.embed(x, { training: true }), m), m), { training: true }), target), vars, optimizer, {
              learningRate: opts.lr * linearWarmupDecay(step++, warmup, totalSteps),
              where: 'bench ngram',
            });
            tf.dispose([x, m, target]);
            trainMs += performance.now() - t0;
            sequences += part.length;
            for (let k = 0; k < b.attentionMask.length; k++) tokens += b.attentionMask[k] as number;
            lossSum += r.loss * part.length;
          }
          curve.push({ epoch, loss: lossSum / shuffled.length, valMacroAp: evaluate() });
        }
        const wallMs = performance.now() - wall0;
        optimizer.dispose();
        head.dispose();
        enc.dispose();

        const perLabel = (scores: Float32Array): number[] => perLabelAveragePrecision(matrixFromFlat(yVal, L), matrixFromFlat(scores, L));
        const ngramPerLabel = perLabel(lastScores);
        let baseline: { valMacroAp: number; perLabelAp: number[]; c: number; vocabulary: number; converged: boolean; wallMs: number } | null = null;
        if (opts.baseline) {
          const b0 = performance.now();
          const model = new TfidfLogReg({ c: opts.c }).fit(
            train.map((r) => (rows[r] as Row).text),
            train.map((r) => y[r] as Float32Array),
          );
          const scores = new Float32Array(val.length * L);
          model.predict(val.map((r) => (rows[r] as Row).text)).forEach((p, i) => scores.set(p, i * L));
          baseline = { valMacroAp: macroAp(yVal, scores, L), perLabelAp: perLabel(scores), c: opts.c, vocabulary: model.vectorizer.vocabularySize, converged: model.fits.every((f) => f.converged), wallMs: performance.now() - b0 };
        }
        const final = curve[curve.length - 1] as (typeof curve)[0];
        const report = {
          dataset: dir,
          split: { train: train.length, validation: val.length, seed: opts.seed, valFraction: opts.valFraction },
          backend: backend.name,
          ngram: {
            config: { ...enc.config, headBias: opts.headBias, epochs: opts.epochs, batch: opts.batch, lr: opts.lr, weightDecay: opts.weightDecay, maxLength: opts.maxLength },
            valMacroAp: final.valMacroAp,
            perLabelAp: ngramPerLabel,
            curve,
            trainSequencesPerSecond: (sequences / trainMs) * 1000,
            trainTokensPerSecond: (tokens / trainMs) * 1000,
            meanTokensPerSequence: tokens / sequences,
            epochs: opts.epochs,
            trainMs,
            wallMs,
          },
          tfidfLogReg: baseline,
          labels: labelNames,
          gap: baseline ? baseline.valMacroAp - final.valMacroAp : null,
          machine: { cores: os.cpus().length, loadAverage1m: os.loadavg()[0] },
        };
        if (opts.json) {
          io.out(JSON.stringify(report, null, 2));
          return;
        }
        const f4 = (x: number): string => x.toFixed(4);
        io.out(`debtags-dev source: ${train.length} train / ${val.length} validation rows (seed ${opts.seed}), ${L} labels; backend ${backend.name}`);
        io.out(`n-gram encoder    macro mAP ${f4(final.valMacroAp)}  (dim ${enc.config.dim}, ${enc.config.buckets} bigram buckets, ${opts.epochs} epochs, lr ${opts.lr})`);
        io.out(`  training        ${report.ngram.trainSequencesPerSecond.toFixed(0)} sequences/s, ${report.ngram.trainTokensPerSecond.toFixed(0)} tokens/s (${report.ngram.meanTokensPerSequence.toFixed(0)} tokens/sequence), ${(trainMs / 1000).toFixed(1)} s training, ${(wallMs / 1000).toFixed(1)} s wall`);
        io.out(`  per epoch       ${curve.map((c) => `${c.epoch}: loss ${c.loss.toFixed(3)} mAP ${c.valMacroAp.toFixed(3)}`).join('; ')}`);
        if (baseline) {
          io.out(`TF-IDF + LR       macro mAP ${f4(baseline.valMacroAp)}  (C ${baseline.c}, ${baseline.vocabulary} terms, ${baseline.converged ? 'converged' : 'NOT converged'}, ${(baseline.wallMs / 1000).toFixed(1)} s)`);
          io.out(`gap               ${f4(baseline.valMacroAp - final.valMacroAp)} (TF-IDF + LR minus n-gram)`);
        }
        io.out(`machine           ${report.machine.cores} cores, load average ${report.machine.loadAverage1m.toFixed(1)} (a busy machine lowers sequences/s)`);
      });
  },
};
