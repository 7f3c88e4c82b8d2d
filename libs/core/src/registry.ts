import { didYouMeanSuffix } from './did-you-mean.ts';
import { WorkbenchError, type ErrorLocation } from './errors.ts';

/**
 * A named registry (methods, losses, scenarios, presets, stores...). Adding an entry is one `register`
 * line beside its file; lookups of unknown names fail with the valid names and a did-you-mean.
 */
export class Registry<T> {
  private readonly items = new Map<string, T>();

  /** `kind` names what is registered, for messages: 'method', 'loss', 'scenario'. */
  constructor(readonly kind: string) {}

  register(name: string, item: T): this {
    if (this.items.has(name)) throw new WorkbenchError('INTERNAL', `${this.kind} '${name}' is registered twice`);
    this.items.set(name, item);
    return this;
  }

  has(name: string): boolean {
    return this.items.has(name);
  }

  /** The entry, or a WorkbenchError naming the unknown value, where it came from, and the valid names. */
  get(name: string, where?: ErrorLocation): T {
    const item = this.items.get(name);
    if (item === undefined) {
      const valid = this.names();
      throw new WorkbenchError('UNKNOWN_NAME', `unknown ${this.kind} '${name}'${didYouMeanSuffix(name, valid)}; valid: ${valid.join(', ')}`, {
        where,
        details: { valid },
      });
    }
    return item;
  }

  names(): string[] {
    return [...this.items.keys()].sort();
  }

  entries(): [string, T][] {
    return [...this.items.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
}
