/**
 * True for `{...}` objects. Realm-independent on purpose: objects made by `structuredClone` or in another
 * vm context (jest, notebooks) have a different `Object.prototype`, so identity checks would miss them.
 */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === null || Object.getPrototypeOf(proto) === null;
}
