/**
 * Single-pass unsorted segment sum: out[ids[r], :] += x[r, :]. O(rows x inner), whatever the number of
 * segments (the stock cpu kernel loops once per segment: O(vocab x tokens) for an embedding gradient).
 * Ids outside [0, numSegments) are dropped, as TensorFlow does.
 */
export function segmentSumInto(
  out: Float32Array | Int32Array,
  x: ArrayLike<number>,
  ids: ArrayLike<number>,
  numSegments: number,
  inner: number,
): void {
  out.fill(0);
  const rows = ids.length;
  for (let r = 0; r < rows; r++) {
    const seg = ids[r] as number;
    if (seg < 0 || seg >= numSegments) continue;
    const src = r * inner;
    const dst = seg * inner;
    for (let j = 0; j < inner; j++) out[dst + j] += x[src + j] as number;
  }
}

/** Output shape and row layout of UnsortedSegmentSum for x and segmentIds shapes. */
export function segmentSumShapes(xShape: number[], idsShape: number[], numSegments: number): { outShape: number[]; inner: number } {
  const inner = xShape.slice(idsShape.length).reduce((a, b) => a * b, 1);
  return { outShape: [numSegments, ...xShape.slice(idsShape.length)], inner };
}
