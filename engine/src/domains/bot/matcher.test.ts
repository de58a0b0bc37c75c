import { expect } from 'chai';
import { LookupMatcher, MATCH_THRESHOLD, type MatchableRow } from './matcher.js';
import { allowedEdits, DeletionIndex, editDistance } from './fuzzy.js';
import { contentTokens, normalize } from './text.js';

const ROWS: MatchableRow[] = [
  { id: 'outage', name: 'Internet outage', synonyms: ['internet down', 'no internet', 'sin internet', 'conexión lenta', 'sem internet', 'internet não funciona'] },
  { id: 'billing', name: 'Billing question', synonyms: ['invoice', 'factura', 'fatura', 'conta de luz'] },
  { id: 'fibre', name: 'Fibre 500', synonyms: ['fiber internet', 'fibra óptica'] },
  { id: 'router', name: 'Router replacement', synonyms: ['new router', 'router broken', 'roteador'] },
  { id: 'install', name: 'Installation', synonyms: ['install', 'instalación', 'instalação'] },
  { id: 'iphone15', name: 'iPhone 15', synonyms: [] },
  { id: 'iphone16', name: 'iPhone 16', synonyms: [] },
];

describe(LookupMatcher.name, () => {
  const matcher = LookupMatcher.compile(ROWS);
  const idOf = (text: string) => matcher.match(text)?.id ?? null;

  describe('normalisation', () => {
    it('folds case, accents, full-width letters and punctuation into one spaced form', () => {
      expect(normalize('  Conexión   LENTA!!! ')).to.equal('conexion lenta');
      expect(normalize('Ｗｉ－Ｆｉ… não')).to.equal('wi fi nao');
      expect(normalize('Olá,mundo')).to.equal('ola mundo');
    });

    it('drops stop words of every supported language and keeps negations', () => {
      expect(contentTokens(normalize('My internet is not working'))).to.deep.equal(['internet', 'not', 'working']);
      expect(contentTokens(normalize('el router de la casa'))).to.deep.equal(['router', 'casa']);
      expect(contentTokens(normalize('o meu roteador não funciona'))).to.deep.equal(['roteador', 'nao', 'funciona']);
    });
  });

  describe('typo distance', () => {
    it('counts a swap of neighbours as one edit (Damerau) and gives up past the limit', () => {
      expect(editDistance('donw', 'down', 1)).to.equal(1);
      expect(editDistance('interent', 'internet', 2)).to.equal(1);
      expect(editDistance('kitten', 'sitting', 1)).to.equal(2);
    });

    it('tolerates nothing below 4 characters, one edit up to 7 and two from 8', () => {
      expect([3, 4, 7, 8, 12].map(allowedEdits)).to.deep.equal([0, 1, 1, 2, 2]);
    });

    it('finds the closest vocabulary words through deletions, not by scanning them', () => {
      const words = ['internet', 'intranet', 'invoice', 'router'];
      const index = new DeletionIndex();
      words.forEach((word, id) => index.add(word, id));
      expect(index.closest('interent', (id) => words[id] ?? '')).to.deep.equal({ ids: [0], distance: 1 });
      expect(index.closest('ruoter', (id) => words[id] ?? '')).to.deep.equal({ ids: [3], distance: 1 });
      expect(index.closest('banana', (id) => words[id] ?? '').ids).to.deep.equal([]);
    });
  });

  it('matches an exact name, ignoring accents and case', () => {
    expect(idOf('INSTALLATION')).to.equal('install');
    expect(idOf('instalacion')).to.equal('install');
  });

  it('matches "conexión" written without its accent', () => {
    expect(idOf('mi conexion lenta otra vez')).to.equal('outage');
  });

  it('matches multi-word synonyms inside a longer sentence', () => {
    expect(idOf('Hello, my internet is down since this morning')).to.equal('outage');
    expect(idOf('the router broken again')).to.equal('router');
  });

  it('reads typos: "interent is donw"', () => {
    const result = matcher.match('interent is donw');
    expect(result?.id).to.equal('outage');
    expect(result?.score).to.be.below(matcher.match('internet is down')?.score ?? 0);
  });

  it('reads a typo of a single-word synonym', () => {
    expect(idOf('I got an invoise')).to.equal('billing');
  });

  it('matches Portuguese and Spanish synonyms', () => {
    expect(idOf('minha fatura veio errada')).to.equal('billing');
    expect(idOf('estou sem internet em casa')).to.equal('outage');
    expect(idOf('quiero fibra optica')).to.equal('fibre');
    expect(idOf('o roteador queimou')).to.equal('router');
  });

  it('prefers an exact phrase to an exact word, and an exact word to a typo', () => {
    const phrase = matcher.match('new router please')?.score ?? 0;
    const word = matcher.match('router')?.score ?? 0;
    const typo = matcher.match('ruoter')?.score ?? 0;
    expect(phrase).to.be.above(word);
    expect(word).to.be.above(typo);
  });

  it('takes a known word as typed rather than as a typo of another', () => {
    const rows = [
      { id: 'net', name: 'Internet', synonyms: [] },
      { id: 'intra', name: 'Intranet', synonyms: [] },
    ];
    expect(LookupMatcher.compile(rows).match('intranet')?.id).to.equal('intra');
  });

  it('ignores stop words: they neither match nor block a match', () => {
    expect(idOf('the my is a el la de')).to.equal(null);
    expect(idOf('a fatura de la casa')).to.equal('billing');
  });

  it('answers null for text it does not know', () => {
    expect(idOf('what is the weather like in Lisbon?')).to.equal(null);
    expect(idOf('')).to.equal(null);
    expect(idOf('!!!')).to.equal(null);
  });

  it('answers null when two rows fit equally well, rather than pick one', () => {
    // "internet" is in both the outage's and the fibre's synonyms, and is the whole message.
    expect(idOf('internet')).to.equal(null);
  });

  it('keeps model numbers exact: a typo in a digit is another product', () => {
    expect(idOf('iphone 16')).to.equal('iphone16');
    expect(idOf('iphone 17')).to.equal(null);
  });

  it('says nothing below the confidence threshold', () => {
    const weak = LookupMatcher.compile([{ id: 'x', name: 'Premium fibre installation', synonyms: [] }]);
    // One misspelt word of three is too little; one exact word of three is enough.
    expect(weak.match('instalation')).to.equal(null);
    expect(weak.match('premium')?.score).to.be.at.least(MATCH_THRESHOLD);
  });

  it('works with no rows at all', () => {
    expect(LookupMatcher.compile([]).match('my internet is down')).to.equal(null);
  });
});
