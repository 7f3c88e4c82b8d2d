/**
 * A macro average over labels that leaves out the labels whose metric is undefined (NaN: e.g. no positive
 * in the test set) and says which they were, so a report can state "mAP over 18 of 20 labels".
 */
export interface MacroAverage {
  /** Mean over the labels with a defined value; NaN if there is none. */
  value: number;
  /** Per label value, NaN where undefined. */
  perLabel: number[];
  /** How many labels entered the mean. */
  labelsUsed: number;
  /** Indices of the labels left out. */
  labelsLeftOut: number[];
}

export function macroAverage(perLabel: readonly number[]): MacroAverage {
  let sum = 0;
  let used = 0;
  const leftOut: number[] = [];
  perLabel.forEach((v, j) => {
    if (Number.isNaN(v)) leftOut.push(j);
    else {
      sum += v;
      used++;
    }
  });
  return { value: used === 0 ? Number.NaN : sum / used, perLabel: [...perLabel], labelsUsed: used, labelsLeftOut: leftOut };
}
