import { InvalidArgumentError } from 'commander';

/** A commander parser for a positive integer flag, naming the flag and the bad value. */
export function positiveInt(flag: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${flag} must be a positive integer, got '${value}'`);
    return n;
  };
}

/** A commander parser for a non-negative integer flag (seeds, counts that may be 0). */
export function nonNegativeInt(flag: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${flag} must be a non-negative integer, got '${value}'`);
    return n;
  };
}
