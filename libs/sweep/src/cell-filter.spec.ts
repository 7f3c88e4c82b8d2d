import { WorkbenchError } from '@workbench/core';
import { parseCellFilter } from './cell-filter.ts';
import { expandSweep } from './expand-sweep.ts';
import { parseSweepSpec } from './sweep-spec.ts';

const cells = expandSweep(parseSweepSpec('name: s\npreset: ngram\ngrid:\n  method: [dallmi, vpu, partial-supervised]\n  scenario.name: [keep50, keep10]\nseeds: [0, 1]\n', 's.yaml'), () => 'd').cells;
const pick = (expr: string): string[] => cells.filter((c) => parseCellFilter(expr).matches(c)).map((c) => c.label);

describe('parseCellFilter', () => {
  it('selects by config path, with alternatives, negation and every clause required', () => {
    expect(pick('method=dallmi')).toHaveLength(4);
    expect(pick('method=dallmi|vpu,scenario.name=keep10')).toEqual(['dallmi keep10 seed 0', 'dallmi keep10 seed 1', 'vpu keep10 seed 0', 'vpu keep10 seed 1']);
    expect(pick('method!=dallmi,seed=1,scenario.name=keep50')).toEqual(['vpu keep50 seed 1', 'partial-supervised keep50 seed 1']);
    expect(pick('backbone.kind=ngram')).toHaveLength(12);
    expect(pick('preset=ngram, dallmi.mixup.enabled=true')).toHaveLength(12);
  });

  it('selects by id prefix and label substring', () => {
    const id = cells[3]!.id;
    expect(pick(`id=${id.slice(0, 8)}`)).toEqual([cells[3]!.label]);
    expect(pick('label=vpu keep10')).toHaveLength(2);
  });

  it('rejects a malformed clause and an unknown path with a did-you-mean', () => {
    expect(() => parseCellFilter('method')).toThrow(/'method' is not a filter clause/);
    expect(() => parseCellFilter('metod=dallmi')).toThrow(WorkbenchError);
    expect(() => parseCellFilter('metod=dallmi')).toThrow(/--filter: unknown filter path 'metod' \(did you mean 'method'\?\)/);
    expect(() => parseCellFilter('method=')).toThrow(/empty value/);
    expect(() => parseCellFilter(' , ')).toThrow(/empty filter/);
  });
});
