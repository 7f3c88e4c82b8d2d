import { didYouMeanSuffix, type DatasetRow, type TaskSpec } from '@workbench/core';
import { RESERVED_FIELDS, type DatasetCard } from './dataset-card.ts';
import type { RejectCode } from './validation-report.ts';

export type RowCheck = { ok: true; row: DatasetRow; undeclared: string[] } | { ok: false; code: RejectCode; reason: string; id?: string };

/**
 * The rules every row of every format obeys: a non-empty string id, a non-empty text (NFC-normalised), a
 * declared domain consistent with its split and its domain-defining field, and a valid value for every task.
 * Duplicate ids are checked by the loader, which sees all splits.
 */
export class RowValidator {
  private readonly labelSets: Map<string, Set<string>>;
  private readonly declared: Set<string>;

  constructor(private readonly card: DatasetCard) {
    this.labelSets = new Map(card.tasks.map((t) => [t.name, new Set(t.labels)]));
    this.declared = new Set([...RESERVED_FIELDS, ...card.tasks.map((t) => t.field), ...Object.keys(card.metadata)]);
  }

  check(input: Record<string, unknown>, splitDomain: string | undefined): RowCheck {
    const fail = (code: RejectCode, reason: string, id?: string): RowCheck => ({ ok: false, code, reason, ...(id !== undefined ? { id } : {}) });
    let id: string;
    const rawId = input['id'];
    if (typeof rawId === 'string' && rawId.trim() !== '') id = rawId.normalize('NFC');
    else if (typeof rawId === 'number' && Number.isInteger(rawId)) id = String(rawId);
    else return fail('missing-id', rawId === undefined || rawId === null || rawId === '' ? "missing 'id'" : `'id' must be a non-empty string, got ${show(rawId)}`);

    const rawText = input['text'];
    if (typeof rawText !== 'string') return fail('missing-text', rawText === undefined || rawText === null ? "missing 'text'" : `'text' must be a string, got ${show(rawText)}`, id);
    const text = rawText.normalize('NFC');
    if (text.trim() === '') return fail('empty-text', "empty 'text'", id);

    const row: DatasetRow = { ...input, id, text, domain: '' };
    const domain = input['domain'] ?? splitDomain ?? soleKey(this.card.domains);
    if (typeof domain !== 'string') return fail('bad-domain', domain === undefined ? "missing 'domain' (the split declares none and the card has several domains)" : `'domain' must be a string, got ${show(domain)}`, id);
    const spec = this.card.domains[domain];
    if (spec === undefined) return fail('bad-domain', `unknown domain '${domain}'${didYouMeanSuffix(domain, Object.keys(this.card.domains))}; declared: ${Object.keys(this.card.domains).join(', ')}`, id);
    if (splitDomain !== undefined && domain !== splitDomain) return fail('bad-domain', `domain '${domain}' in a split of domain '${splitDomain}'`, id);
    if (spec.field !== undefined && spec.values !== undefined && !spec.values.includes(input[spec.field] as string)) {
      return fail('bad-domain', `${spec.field} ${show(input[spec.field])} is not one of domain '${domain}': ${spec.values.join(', ')}`, id);
    }
    row.domain = domain;

    if (input['tokens'] !== undefined) {
      const tokens = input['tokens'];
      if (!Array.isArray(tokens) || tokens.some((t) => typeof t !== 'string' || t === '')) return fail('bad-field', "'tokens' must be an array of non-empty strings", id);
      row.tokens = tokens.map((t: string) => t.normalize('NFC'));
    }
    for (const task of this.card.tasks) {
      const problem = this.checkTask(task, row);
      if (problem) return fail(problem.code, problem.reason, id);
    }
    const undeclared = Object.keys(input).filter((k) => !this.declared.has(k));
    return { ok: true, row, undeclared };
  }

  /** Checks (and NFC-normalises in place) one task's field. */
  private checkTask(task: TaskSpec, row: DatasetRow): { code: RejectCode; reason: string } | undefined {
    const value = row[task.field];
    const labels = this.labelSets.get(task.name) as Set<string>;
    const unknown = (label: string): { code: RejectCode; reason: string } => ({
      code: 'unknown-label',
      reason: `unknown label '${label}' for task '${task.name}' (field '${task.field}')${didYouMeanSuffix(label, task.labels)}`,
    });
    if (value === undefined || value === null) return { code: 'missing-label', reason: `missing field '${task.field}' of task '${task.name}'` };
    switch (task.type) {
      case 'multi-label': {
        if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) return { code: 'bad-field', reason: `field '${task.field}' of multi-label task '${task.name}' must be an array of label strings, got ${show(value)}` };
        const norm = value.map((v: string) => v.normalize('NFC'));
        const seen = new Set<string>();
        for (const l of norm) {
          if (!labels.has(l)) return unknown(l);
          if (seen.has(l)) return { code: 'duplicate-label', reason: `label '${l}' appears twice in field '${task.field}'` };
          seen.add(l);
        }
        row[task.field] = norm;
        return undefined;
      }
      case 'multi-class': {
        if (typeof value !== 'string') return { code: 'bad-field', reason: `field '${task.field}' of multi-class task '${task.name}' must be one label string, got ${show(value)}` };
        const l = value.normalize('NFC');
        if (!labels.has(l)) return unknown(l);
        row[task.field] = l;
        return undefined;
      }
      case 'token-tagging': {
        if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) return { code: 'bad-field', reason: `field '${task.field}' of token-tagging task '${task.name}' must be an array of tags, got ${show(value)}` };
        if (row.tokens === undefined) return { code: 'missing-label', reason: `token-tagging task '${task.name}' needs a 'tokens' array on the row` };
        if (value.length !== row.tokens.length) return { code: 'length-mismatch', reason: `${row.tokens.length} tokens but ${value.length} tags in field '${task.field}'` };
        for (const tag of value as string[]) if (!labels.has(tag)) return unknown(tag);
        return undefined;
      }
    }
  }
}

function soleKey(o: Record<string, unknown>): string | undefined {
  const keys = Object.keys(o);
  return keys.length === 1 ? keys[0] : undefined;
}

function show(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
