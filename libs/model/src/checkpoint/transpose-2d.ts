/** A row-major [rows, cols] float32 matrix transposed to [cols, rows] (PyTorch Linear [out, in] <-> kernel [in, out]). */
export function transpose2d(src: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(src.length);
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    for (let j = 0; j < cols; j++) out[j * rows + i] = src[base + j] as number;
  }
  return out;
}
