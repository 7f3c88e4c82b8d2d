/**
 * Smoothed inverse document frequency of every word id, as scikit-learn's TfidfVectorizer computes it
 * (idf = ln((1 + n) / (1 + df)) + 1) over `documents` (rows of word ids). Ids that occur in no document get 0:
 * like words outside a TF-IDF vocabulary, they carry no weight (their embeddings were never trained).
 * Ids below `firstWordId` (special tokens) get 0 too.
 */
export function inverseDocumentFrequency(documents: readonly ArrayLike<number>[], vocabSize: number, firstWordId: number): Float32Array {
  const df = new Int32Array(vocabSize);
  const lastSeen = new Int32Array(vocabSize).fill(-1);
  documents.forEach((doc, d) => {
    for (let i = 0; i < doc.length; i++) {
      const id = doc[i] as number;
      if (id < firstWordId || id >= vocabSize || lastSeen[id] === d) continue;
      lastSeen[id] = d;
      df[id] = (df[id] as number) + 1;
    }
  });
  const n = documents.length;
  const idf = new Float32Array(vocabSize);
  for (let id = firstWordId; id < vocabSize; id++) {
    const f = df[id] as number;
    if (f > 0) idf[id] = Math.log((1 + n) / (1 + f)) + 1;
  }
  return idf;
}

/**
 * The TF-IDF weight of each position of each row (row-major [batch, seq]) so that summing a row's per-position
 * vectors gives its L2-normalised sublinear TF-IDF vector: a word seen tf times in the row weighs
 * (1 + ln tf) * idf in total, shared equally by its tf positions, divided by the row's L2 norm. Pads weigh 0.
 */
export function tfidfPositionWeights(ids: ArrayLike<number>, batch: number, seq: number, idf: Float32Array, padId: number): Float32Array {
  const weights = new Float32Array(batch * seq);
  const tf = new Map<number, number>();
  for (let b = 0; b < batch; b++) {
    tf.clear();
    for (let t = 0; t < seq; t++) {
      const id = ids[b * seq + t] as number;
      if (id !== padId) tf.set(id, (tf.get(id) ?? 0) + 1);
    }
    let norm2 = 0;
    for (const [id, count] of tf) {
      const w = (1 + Math.log(count)) * ((idf[id] as number) ?? 0);
      norm2 += w * w;
    }
    const norm = Math.sqrt(norm2);
    if (norm === 0) continue;
    for (let t = 0; t < seq; t++) {
      const id = ids[b * seq + t] as number;
      if (id === padId) continue;
      const count = tf.get(id) as number;
      weights[b * seq + t] = ((1 + Math.log(count)) * ((idf[id] as number) ?? 0)) / count / norm;
    }
  }
  return weights;
}
