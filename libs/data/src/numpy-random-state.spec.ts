import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NumpyRandomState, sklearnTrainTestSplit } from './numpy-random-state.ts';

const GOLDEN = JSON.parse(readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../test/fixtures/sklearn/train-test-split.json'), 'utf8'));
const sha = (xs: number[]): string => createHash('sha256').update(xs.join(',')).digest('hex');

describe('numpy RandomState and scikit-learn train_test_split', () => {
  it('RandomState(42).permutation(10) is numpy\'s', () => {
    expect(new NumpyRandomState(42).permutation(10)).toEqual([8, 1, 5, 0, 7, 2, 9, 4, 3, 6]);
  });

  it('MT19937 first outputs for seed 5489 (the reference implementation\'s default)', () => {
    const r = new NumpyRandomState(5489);
    expect([r.nextUint32(), r.nextUint32(), r.nextUint32()]).toEqual([3499211612, 581869302, 3890346734]);
  });

  interface GoldenCase {
    n: number;
    testSize: number;
    randomState: number;
    nTest: number;
    trainSha256: string;
    testSha256: string;
    trainHead: number[];
    testHead: number[];
    train?: number[];
  }

  it('matches scikit-learn 1.2.1 index for index on every golden case', () => {
    const cases = GOLDEN.cases as GoldenCase[];
    expect(cases.length).toBeGreaterThan(10);
    for (const g of cases) {
      const { train, test } = sklearnTrainTestSplit(g.n, { testSize: g.testSize, randomState: g.randomState });
      const label = `n=${g.n} test_size=${g.testSize} random_state=${g.randomState}`;
      expect([label, test.length]).toEqual([label, g.nTest]);
      expect([label, train.slice(0, 8), test.slice(0, 8)]).toEqual([label, g.trainHead, g.testHead]);
      expect([label, sha(train), sha(test)]).toEqual([label, g.trainSha256, g.testSha256]);
      if (g.train) expect(train).toEqual(g.train);
    }
  });

  it('rejects sizes that leave a part empty and bad seeds', () => {
    expect(() => sklearnTrainTestSplit(3, { testSize: 3, randomState: 0 })).toThrow('leaves an empty train or test set');
    expect(() => new NumpyRandomState(-1)).toThrow('Seed must be between 0 and 2**32 - 1');
  });
});
