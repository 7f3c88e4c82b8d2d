import { cleanNewsgroupPost, newsgroupCategory, stripNewsgroupFooter, stripNewsgroupHeader, stripNewsgroupQuoting } from './newsgroups-cleaning.ts';

// Expected values follow scikit-learn 1.x's strip_newsgroup_header / _footer / _quoting, case by case.
describe('20 Newsgroups cleaning (scikit-learn rules)', () => {
  it('header: everything up to the first blank line; no blank line leaves nothing', () => {
    expect(stripNewsgroupHeader('From: a\nSubject: b\n\nbody\n\nmore')).toBe('body\n\nmore');
    expect(stripNewsgroupHeader('no blank line here')).toBe('');
  });

  it('quotes: lines matching the quote pattern anywhere or at the line start', () => {
    const text = 'In article <x> bob writes:\n> quoted\n| also quoted\nmine\nJoe said: hi\nnot >quoted at start';
    expect(stripNewsgroupQuoting(text)).toBe('mine\nnot >quoted at start');
  });

  it('footer: from the last all-dash/blank line, unless that is the first line', () => {
    expect(stripNewsgroupFooter('body line\nmore\n-- \nJane Doe\n')).toBe('body line\nmore');
    expect(stripNewsgroupFooter('\n\nbody\n  ---- signature ----')).toBe('\n\nbody\n  ---- signature ----');
    expect(stripNewsgroupFooter('a\n\nb\nc')).toBe('a');
    expect(stripNewsgroupFooter('no footer at all')).toBe('no footer at all');
  });

  it('applies headers, footers, quotes in that order', () => {
    const post = 'From: x\nSubject: y\n\nIn article <1> z writes:\n> q\nanswer\n--\nsig\n';
    expect(cleanNewsgroupPost(post, ['headers', 'footers', 'quotes'])).toBe('answer');
    expect(cleanNewsgroupPost(post, [])).toBe(post);
  });

  it('7-way category is the top-level prefix', () => {
    expect(['alt.atheism', 'comp.sys.mac.hardware', 'misc.forsale', 'soc.religion.christian', 'talk.politics.guns'].map(newsgroupCategory)).toEqual(['alt', 'comp', 'misc', 'soc', 'talk']);
  });
});
