import { expect } from 'chai';
import type { TemplateButton } from '../schemas/templates.schema.js';
import { lintTemplate, type LintInput } from './template-lint.js';

function template(change: Partial<LintInput> = {}): LintInput {
  return {
    name: 'spring_offer',
    language: 'en_US',
    category: 'MARKETING',
    parameterFormat: 'POSITIONAL',
    header: null,
    body: { text: 'Hi {{1}}, take {{2}} off this week.', examples: { '1': 'Ana', '2': '20%' } },
    footer: null,
    buttons: [],
    ...change,
  };
}

const fieldsOf = (input: LintInput) => lintTemplate(input).map((problem) => problem.field);
const messagesOf = (input: LintInput) => lintTemplate(input).map((problem) => `${problem.field}: ${problem.message}`);

describe('lintTemplate', () => {
  it('finds nothing wrong with a well-formed positional template', () => {
    expect(lintTemplate(template())).to.deep.equal([]);
  });

  it('finds nothing wrong with a well-formed named template with every component', () => {
    const named = template({
      parameterFormat: 'NAMED',
      header: { format: 'TEXT', text: 'News for {{first_name}}', examples: { first_name: 'Ana' } },
      body: { text: 'Your plan {{plan_name}} is ready, {{first_name}}. See you soon.', examples: { plan_name: 'Fibre 500', first_name: 'Ana' } },
      footer: 'Reply STOP to opt out',
      buttons: [
        { type: 'QUICK_REPLY', text: 'Stop promotions' },
        { type: 'URL', text: 'Track', url: 'https://example.com/plan/{{1}}', example: 'https://example.com/plan/abc' },
        { type: 'PHONE_NUMBER', text: 'Call us', phoneNumber: '+1 555 000 1111' },
        { type: 'COPY_CODE', example: 'SAVE10' },
      ],
    });
    expect(lintTemplate(named)).to.deep.equal([]);
  });

  describe('name', () => {
    it('requires lowercase letters, digits and underscores', () => {
      expect(fieldsOf(template({ name: 'Spring Offer' }))).to.deep.equal(['name']);
      expect(fieldsOf(template({ name: 'spring-offer' }))).to.deep.equal(['name']);
      expect(fieldsOf(template({ name: '' }))).to.deep.equal(['name']);
    });

    it('allows at most 512 characters', () => {
      expect(fieldsOf(template({ name: 'a'.repeat(512) }))).to.deep.equal([]);
      expect(messagesOf(template({ name: 'a'.repeat(513) }))).to.deep.equal(['name: must be at most 512 characters']);
    });
  });

  it('refuses authentication templates, which have a format of their own', () => {
    expect(fieldsOf(template({ category: 'AUTHENTICATION' }))).to.deep.equal(['category']);
  });

  describe('positional parameters', () => {
    it('must run {{1}}..{{n}} in order', () => {
      const problems = messagesOf(template({ body: { text: 'Hi {{2}}, take {{1}} off.', examples: { '1': 'a', '2': 'b' } } }));
      expect(problems).to.have.length(1);
      expect(problems[0]).to.match(/^body\.text: numbered variables must run .*found \{\{2\}\} in position 1/);
    });

    it('must have no gaps', () => {
      expect(fieldsOf(template({ body: { text: 'Hi {{1}}, take {{3}} off.', examples: { '1': 'a', '3': 'b' } } }))).to.deep.equal(['body.text']);
    });

    it('must not be mixed with named ones', () => {
      const problems = messagesOf(template({ body: { text: 'Hi {{1}}, take {{discount}} off.', examples: { '1': 'a', discount: 'b' } } }));
      expect(problems).to.deep.equal(['body.text: {{discount}} is a named variable, but this template uses numbered variables: do not mix the two']);
    });
  });

  describe('named parameters', () => {
    const named = (text: string, examples: Record<string, string>) => template({ parameterFormat: 'NAMED', body: { text, examples } });

    it('must be 1 to 20 lowercase letters and underscores', () => {
      expect(fieldsOf(named('Hi {{First_Name}}, welcome.', { First_Name: 'a' }))).to.deep.equal(['body.text']);
      expect(fieldsOf(named('Hi {{a_very_long_parameter_name}}, welcome.', { a_very_long_parameter_name: 'a' }))).to.deep.equal(['body.text']);
    });

    it('must not be mixed with numbered ones', () => {
      expect(messagesOf(named('Hi {{first_name}}, take {{2}} off.', { first_name: 'a', '2': 'b' }))[0]).to.contain('do not mix');
    });
  });

  it('requires an example for every parameter, naming the parameter', () => {
    expect(fieldsOf(template({ body: { text: 'Hi {{1}}, take {{2}} off.', examples: { '1': 'Ana', '2': ' ' } } }))).to.deep.equal(['body.examples.2']);
    const header = { format: 'TEXT' as const, text: 'For {{1}}', examples: {} };
    expect(fieldsOf(template({ header }))).to.deep.equal(['header.examples.1']);
  });

  it('requires a sample for a media header', () => {
    expect(fieldsOf(template({ header: { format: 'IMAGE', example: '' } }))).to.deep.equal(['header.example']);
    expect(fieldsOf(template({ header: { format: 'IMAGE', example: 'https://example.com/a.jpg' } }))).to.deep.equal([]);
  });

  describe('lengths', () => {
    it('limits the header text to 60 characters and one variable', () => {
      expect(fieldsOf(template({ header: { format: 'TEXT', text: 'x'.repeat(61), examples: {} } }))).to.deep.equal(['header.text']);
      expect(fieldsOf(template({ header: { format: 'TEXT', text: 'For {{1}} and {{2}}', examples: { '1': 'a', '2': 'b' } } }))).to.deep.equal(['header.text']);
    });

    it('limits the body to 1024 characters and requires it', () => {
      expect(messagesOf(template({ body: { text: `Hello ${'x'.repeat(1020)}`, examples: {} } }))).to.deep.equal(['body.text: must be at most 1024 characters (now 1026)']);
      expect(messagesOf(template({ body: { text: '  ', examples: {} } }))).to.deep.equal(['body.text: is required']);
    });

    it('limits the footer to 60 characters', () => {
      expect(fieldsOf(template({ footer: 'x'.repeat(61) }))).to.deep.equal(['footer']);
    });

    it('limits button text to 25 characters', () => {
      expect(fieldsOf(template({ buttons: [{ type: 'QUICK_REPLY', text: 'x'.repeat(26) }] }))).to.deep.equal(['buttons.0.text']);
    });

    it('allows at most 10 buttons', () => {
      const buttons: TemplateButton[] = Array.from({ length: 11 }, (_, i) => ({ type: 'QUICK_REPLY', text: `Option ${i}` }));
      expect(fieldsOf(template({ buttons }))).to.deep.equal(['buttons']);
    });
  });

  describe('variable placement in the body', () => {
    it('refuses a variable at the very start', () => {
      expect(messagesOf(template({ body: { text: '{{1}}, take {{2}} off this week.', examples: { '1': 'a', '2': 'b' } } }))).to.deep.equal(['body.text: must not start with a variable: add words before it']);
    });

    it('refuses a variable at the very end, even before a full stop', () => {
      expect(fieldsOf(template({ body: { text: 'Hi {{1}}, your code is {{2}}.', examples: { '1': 'a', '2': 'b' } } }))).to.deep.equal(['body.text']);
    });

    it('refuses two variables next to each other', () => {
      expect(messagesOf(template({ body: { text: 'Hi {{1}} {{2}}, welcome back.', examples: { '1': 'a', '2': 'b' } } }))).to.deep.equal(['body.text: has two variables next to each other: separate them with words']);
    });
  });

  it('refuses variables in the footer', () => {
    expect(messagesOf(template({ footer: 'Bye {{1}}' }))).to.deep.equal(['footer: cannot hold variables']);
  });

  it('refuses an unclosed variable', () => {
    expect(fieldsOf(template({ body: { text: 'Hi {{1}}, take {{2 off this week.', examples: { '1': 'a' } } }))).to.deep.equal(['body.text']);
  });

  describe('buttons', () => {
    it('keeps quick replies together', () => {
      const buttons: TemplateButton[] = [
        { type: 'QUICK_REPLY', text: 'Yes' },
        { type: 'URL', text: 'Open', url: 'https://example.com' },
        { type: 'QUICK_REPLY', text: 'No' },
      ].map((b) => ({ example: '', ...b }) as TemplateButton);
      expect(fieldsOf(template({ buttons }))).to.deep.equal(['buttons']);
      const grouped = [buttons[0], buttons[2], buttons[1]].filter((b): b is TemplateButton => b !== undefined);
      expect(fieldsOf(template({ buttons: grouped }))).to.deep.equal([]);
    });

    it('allows one variable at the end of a link, with an example', () => {
      const url = (u: string, example = ''): TemplateButton => ({ type: 'URL', text: 'Open', url: u, example });
      expect(fieldsOf(template({ buttons: [url('https://example.com/{{1}}/x', 'https://example.com/a/x')] }))).to.deep.equal(['buttons.0.url']);
      expect(fieldsOf(template({ buttons: [url('https://example.com/{{1}}')] }))).to.deep.equal(['buttons.0.example']);
      expect(fieldsOf(template({ buttons: [url('ftp://example.com')] }))).to.deep.equal(['buttons.0.url']);
      expect(fieldsOf(template({ buttons: [url('https://example.com/{{1}}', 'https://example.com/abc')] }))).to.deep.equal([]);
    });

    it('requires an international phone number', () => {
      expect(fieldsOf(template({ buttons: [{ type: 'PHONE_NUMBER', text: 'Call', phoneNumber: '555 1234' }] }))).to.deep.equal(['buttons.0.phoneNumber']);
    });

    it('requires a short sample code on a copy-code button, and one such button at most', () => {
      expect(fieldsOf(template({ buttons: [{ type: 'COPY_CODE', example: 'A_CODE_FAR_TOO_LONG' }] }))).to.deep.equal(['buttons.0.example']);
      expect(fieldsOf(template({ buttons: [{ type: 'COPY_CODE', example: 'A' }, { type: 'COPY_CODE', example: 'B' }] }))).to.deep.equal(['buttons']);
    });
  });

  it('reports every problem at once', () => {
    const bad = template({ name: 'Bad Name', body: { text: '{{1}} {{3}}', examples: {} }, footer: 'Hi {{1}}' });
    expect(fieldsOf(bad)).to.include.members(['name', 'body.text', 'body.examples.1', 'body.examples.3', 'footer']);
  });
});
