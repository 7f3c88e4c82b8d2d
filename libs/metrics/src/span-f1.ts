import { WorkbenchError } from '@workbench/core';

/** One entity span: its type and first and last token (inclusive) in the sentence-concatenated sequence. */
export interface Span {
  type: string;
  start: number;
  end: number;
}

export interface SpanF1 {
  precision: number;
  recall: number;
  f1: number;
  /** Spans found in both (same type, same start and end). */
  truePositives: number;
  predicted: number;
  actual: number;
}

const TAG = /^(?:O|[BIES]-.+)$/;

/**
 * Spans of a tag sequence with seqeval's default (lenient, non-strict) rules, for IOB2 and IOBES tags:
 * a span starts at B-/S-, at an I-/E- that follows O, E- or S- (so an I- without a B- starts a span), or
 * where the type changes; it ends before O, B-, S-, after E-/S-, or where the type changes. Sentences are
 * concatenated with an O between them, as seqeval does.
 */
export function extractSpans(sentences: readonly (readonly string[])[], where = 'extractSpans'): Span[] {
  const seq: string[] = [];
  sentences.forEach((sentence, s) => {
    if (!Array.isArray(sentence)) throw new WorkbenchError('CONFIG_TYPE', `sentence ${s} must be an array of tags`, { where: { source: where } });
    sentence.forEach((tag, t) => {
      if (typeof tag !== 'string' || !TAG.test(tag)) {
        throw new WorkbenchError('CONFIG_TYPE', `tag ${JSON.stringify(tag)} at sentence ${s}, token ${t} is not O or B-/I-/E-/S-<type>`, {
          where: { source: where },
        });
      }
      seq.push(tag);
    });
    seq.push('O');
  });
  const spans: Span[] = [];
  let prevTag = 'O';
  let prevType = '';
  let begin = 0;
  for (let i = 0; i <= seq.length; i++) {
    const chunk = i < seq.length ? seq[i] : 'O';
    const tag = chunk[0];
    const type = chunk === 'O' ? '_' : chunk.slice(2);
    if (endsChunk(prevTag, tag, prevType, type)) spans.push({ type: prevType, start: begin, end: i - 1 });
    if (startsChunk(prevTag, tag, prevType, type)) begin = i;
    prevTag = tag;
    prevType = type;
  }
  return spans;
}

function endsChunk(prevTag: string, tag: string, prevType: string, type: string): boolean {
  if (prevTag === 'E' || prevTag === 'S') return true;
  if ((prevTag === 'B' || prevTag === 'I') && (tag === 'B' || tag === 'S' || tag === 'O')) return true;
  return prevTag !== 'O' && prevType !== type;
}

function startsChunk(prevTag: string, tag: string, prevType: string, type: string): boolean {
  if (tag === 'B' || tag === 'S') return true;
  if ((prevTag === 'E' || prevTag === 'S' || prevTag === 'O') && (tag === 'E' || tag === 'I')) return true;
  return tag !== 'O' && prevType !== type;
}

/**
 * Span-level micro F1 as seqeval's `f1_score` in its default mode: a predicted span counts when a true span
 * has the same type, start and end. Precision (recall) is 0 when nothing is predicted (true).
 */
export function spanF1(yTrue: readonly (readonly string[])[], yPred: readonly (readonly string[])[]): SpanF1 {
  if (!Array.isArray(yTrue) || !Array.isArray(yPred)) {
    throw new WorkbenchError('CONFIG_TYPE', 'yTrue and yPred must be arrays of tag sequences', { where: { source: 'spanF1' } });
  }
  if (yTrue.length !== yPred.length) {
    throw new WorkbenchError('CONFIG_TYPE', `yTrue has ${yTrue.length} sentences but yPred has ${yPred.length}`, { where: { source: 'spanF1' } });
  }
  yTrue.forEach((s, i) => {
    if (Array.isArray(s) && Array.isArray(yPred[i]) && s.length !== yPred[i].length) {
      throw new WorkbenchError('CONFIG_TYPE', `sentence ${i} has ${s.length} true tags but ${yPred[i].length} predicted`, { where: { source: 'spanF1' } });
    }
  });
  const key = (s: Span): string => `${s.type}\u0000${s.start}\u0000${s.end}`;
  const truth = new Set(extractSpans(yTrue, 'spanF1 yTrue').map(key));
  const pred = new Set(extractSpans(yPred, 'spanF1 yPred').map(key));
  let tp = 0;
  for (const k of pred) if (truth.has(k)) tp++;
  const precision = pred.size === 0 ? 0 : tp / pred.size;
  const recall = truth.size === 0 ? 0 : tp / truth.size;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, truePositives: tp, predicted: pred.size, actual: truth.size };
}
