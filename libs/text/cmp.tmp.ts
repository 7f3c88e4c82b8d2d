import { readFileSync, writeFileSync } from 'node:fs';
import { trainWordPiece } from './src/index.ts';
const texts = readFileSync('/work/shared/datasets/debtags-dev/source.jsonl', 'utf8').trim().split('\n').map((l) => JSON.parse(l).text as string);
const t = performance.now();
const r = trainWordPiece(texts, { vocabSize: 8000 });
const r2 = trainWordPiece(texts, { vocabSize: 30000, minFrequency: 1 });
console.log('ms', (performance.now() - t).toFixed(0), r2.vocab.length);
writeFileSync(process.argv[2] as string, r.vocab.join('\n') + '\n----\n' + r2.vocab.join('\n'));
