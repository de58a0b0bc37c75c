import { expect } from 'chai';
import { buttonOptsOut, compileConsentKeywords, consentCommand, greeting, wantsPerson } from './intents.js';

describe('Bot intents', () => {
  const keywords = compileConsentKeywords({ optOutWords: ['Basta ya'], optInWords: ['volver'] });

  describe('opt-out and opt-in (whole message only)', () => {
    it('opts out on STOP and its variants, whatever the case, accents and punctuation', () => {
      for (const text of ['STOP', 'stop.', ' Stop! ', 'opt-out', 'OptOut', 'Unsubscribe', 'parar', 'SAIR', 'baja', 'Parar promoções', 'arrêter', 'ARRETER']) {
        expect(consentCommand(keywords, text), text).to.equal('optOut');
      }
    });

    it("does not opt out when the word is part of a sentence: \"please don't stop my internet\"", () => {
      expect(consentCommand(keywords, "please don't stop my internet")).to.equal(null);
      expect(consentCommand(keywords, 'stop sending me the wrong invoice')).to.equal(null);
    });

    it("adds the tenant's own words to the defaults, never replacing them", () => {
      expect(consentCommand(keywords, 'basta ya!')).to.equal('optOut');
      expect(consentCommand(keywords, 'volver')).to.equal('optIn');
      const none = compileConsentKeywords({ optOutWords: [], optInWords: [] });
      expect(consentCommand(none, 'stop')).to.equal('optOut');
    });

    it('opts back in on START and its variants', () => {
      for (const text of ['START', 'resume', 'unstop', 'Subscribe', 'Começar', 'comecar', 'reanudar']) {
        expect(consentCommand(keywords, text), text).to.equal('optIn');
      }
    });

    it('opts out when a word is in both lists', () => {
      const both = compileConsentKeywords({ optOutWords: ['enough'], optInWords: ['enough'] });
      expect(consentCommand(both, 'enough')).to.equal('optOut');
    });
  });

  describe('the "Stop promotions" template button', () => {
    it('opts out on the localized label, which is what its payload carries', () => {
      for (const label of ['Stop promotions', 'Parar promoções', 'Detener promociones', 'Arrêter les promotions', 'stop']) {
        expect(buttonOptsOut(keywords, label), label).to.equal(true);
      }
    });

    it('opts out on a label that contains a stop phrase', () => {
      expect(buttonOptsOut(keywords, 'Stop promotions ✋')).to.equal(true);
      expect(buttonOptsOut(keywords, 'Basta ya de ofertas')).to.equal(true);
    });

    it('leaves other buttons alone', () => {
      expect(buttonOptsOut(keywords, 'Yes, book it')).to.equal(false);
      expect(buttonOptsOut(keywords, 'See promotions')).to.equal(false);
    });
  });

  describe('greetings', () => {
    it('recognises a greeting alone, in several languages', () => {
      for (const text of ['hi', 'Hello there!', 'hey team', 'Olá', 'oi', 'bom dia', 'Buenos días', 'hola, buenas tardes', 'menu', 'Start over', 'good morning, how are you?']) {
        expect(greeting(text), text).to.equal('only');
      }
    });

    it('marks a greeting followed by a request as leading, and ignores words that only start alike', () => {
      expect(greeting('hi, my internet is down')).to.equal('leading');
      expect(greeting('hitchhiker')).to.equal(null);
      expect(greeting('my bill')).to.equal(null);
    });
  });

  describe('asking for a person', () => {
    it('recognises the request in several languages', () => {
      for (const text of ['talk to a person', 'I want to speak to a human please', 'agent', 'an agent please', 'hablar con un agente', 'falar com atendente']) {
        expect(wantsPerson(text), text).to.equal(true);
      }
    });

    it('does not take a mention of a word for a request', () => {
      expect(wantsPerson('my agent number is wrong')).to.equal(false);
    });
  });
});
