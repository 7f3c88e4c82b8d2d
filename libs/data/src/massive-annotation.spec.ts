import { bioTags, parseSlotAnnotation } from './massive-annotation.ts';

describe('MASSIVE annot_utt -> word-level BIO tags', () => {
  it('tags slot words B-/I- and others O', () => {
    expect(parseSlotAnnotation('wake me up at [time : five am] [date : this week]')).toEqual({
      tokens: ['wake', 'me', 'up', 'at', 'five', 'am', 'this', 'week'],
      tags: ['O', 'O', 'O', 'O', 'B-time', 'I-time', 'B-date', 'I-date'],
      plain: 'wake me up at five am this week',
    });
  });

  it('two adjacent slots of the same type start two spans', () => {
    expect(parseSlotAnnotation('[date : monday] [date : tuesday]').tags).toEqual(['B-date', 'B-date']);
  });

  it('a suffix glued to a slot stays in the word and its tag', () => {
    expect(parseSlotAnnotation("remind me of [relation : mom]'s day")).toMatchObject({ tokens: ['remind', 'me', 'of', "mom's", 'day'], tags: ['O', 'O', 'O', 'B-relation', 'O'] });
  });

  it('no markup: all O', () => {
    expect(parseSlotAnnotation('olly  quiet').tags).toEqual(['O', 'O']);
  });

  it.each([
    ['wake [time : five', "unclosed '[' at character 6"],
    ['wake time : five]', "unmatched ']' at character 17"],
    ['[time five]', "has no ' : '"],
    ['[time : [date : x]]', "nested '['"],
    ['[ : x]', 'bad slot name ""'],
    ['[time : ]', "empty value for slot 'time'"],
  ])('rejects %s', (annot, reason) => {
    expect(() => parseSlotAnnotation(annot)).toThrow(reason);
  });

  it('bioTags lists O then B-/I- per slot type', () => {
    expect(bioTags(['date', 'time'])).toEqual(['O', 'B-date', 'I-date', 'B-time', 'I-time']);
  });
});
