import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The Hugging Face conformance fixtures committed under fixtures/hf (see its README for provenance). */
export const HF_FIXTURES = fileURLToPath(new URL('../../../../fixtures/hf/', import.meta.url));
export const BERT_TINY = `${HF_FIXTURES}bert-tiny`;
export const ROBERTA_TINY = `${HF_FIXTURES}roberta-tiny`;

/** A float array of expected.json: shape + flat row-major data. */
export interface FixtureArray {
  shape: number[];
  data: number[];
}

export function readExpected(folder: string): any {
  return JSON.parse(readFileSync(`${folder}/expected.json`, 'utf8'));
}

/** Largest |a - b| over two equally long arrays (float32 expected values rounded through Float32Array). */
export function maxAbsDiff(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != expected ${expected.length}`);
  const exp = Float32Array.from(expected as ArrayLike<number>);
  let m = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs((actual[i] as number) - (exp[i] as number));
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}
