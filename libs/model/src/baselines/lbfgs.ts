export interface LbfgsOptions {
  maxIterations?: number;
  /** Stop when the largest absolute gradient entry falls below this (scikit-learn's lbfgs uses pgtol 1e-4). */
  gradTolerance?: number;
  /** History size. */
  memory?: number;
}

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  iterations: number;
  converged: boolean;
}

/**
 * Minimises a smooth function by L-BFGS (Nocedal & Wright, algorithm 7.4, two-loop recursion) with a
 * backtracking Armijo line search. `f` returns the value and writes the gradient into `grad`.
 */
export function lbfgs(f: (x: Float64Array, grad: Float64Array) => number, x0: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  const maxIter = options.maxIterations ?? 500;
  const tol = options.gradTolerance ?? 1e-5;
  const m = options.memory ?? 10;
  const n = x0.length;
  const x = x0.slice();
  const g = new Float64Array(n);
  let fx = f(x, g);
  const sList: Float64Array[] = [];
  const yList: Float64Array[] = [];
  const rho: number[] = [];
  const d = new Float64Array(n);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  const alpha = new Float64Array(m);
  for (let it = 0; it < maxIter; it++) {
    if (maxAbs(g) < tol) return { x, value: fx, iterations: it, converged: true };
    // Two-loop recursion: d = -H g.
    for (let i = 0; i < n; i++) d[i] = -(g[i] as number);
    for (let k = sList.length - 1; k >= 0; k--) {
      const a = (rho[k] as number) * dot(sList[k] as Float64Array, d);
      alpha[k] = a;
      axpy(-a, yList[k] as Float64Array, d);
    }
    const gamma = sList.length > 0 ? dot(sList[sList.length - 1] as Float64Array, yList[yList.length - 1] as Float64Array) / dot(yList[yList.length - 1] as Float64Array, yList[yList.length - 1] as Float64Array) : 1 / Math.max(1, Math.sqrt(dot(g, g)));
    for (let i = 0; i < n; i++) d[i] = (d[i] as number) * gamma;
    for (let k = 0; k < sList.length; k++) {
      const b = (rho[k] as number) * dot(yList[k] as Float64Array, d);
      axpy((alpha[k] as number) - b, sList[k] as Float64Array, d);
    }
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      sList.length = yList.length = rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -(g[i] as number);
      slope = dot(g, d);
    }
    let step = 1;
    let fNew = 0;
    for (let ls = 0; ls < 40; ls++) {
      for (let i = 0; i < n; i++) xNew[i] = (x[i] as number) + step * (d[i] as number);
      fNew = f(xNew, gNew);
      if (fNew <= fx + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew <= fx)) return { x, value: fx, iterations: it, converged: false };
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = (xNew[i] as number) - (x[i] as number);
      y[i] = (gNew[i] as number) - (g[i] as number);
    }
    const sy = dot(s, y);
    if (sy > 1e-12) {
      if (sList.length === m) {
        sList.shift();
        yList.shift();
        rho.shift();
      }
      sList.push(s);
      yList.push(y);
      rho.push(1 / sy);
    }
    const improvement = fx - fNew;
    x.set(xNew);
    g.set(gNew);
    fx = fNew;
    if (improvement <= 1e-12 * Math.max(1, Math.abs(fx))) return { x, value: fx, iterations: it + 1, converged: true };
  }
  return { x, value: fx, iterations: maxIter, converged: maxAbs(g) < tol };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] = (y[i] as number) + a * (x[i] as number);
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] as number));
  return m;
}
