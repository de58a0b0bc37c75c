import { expect } from 'chai';
import type { TemplateContent } from '../schemas/templates.schema.js';
import { fromGraphComponents, toGraphComponents } from './template-components.js';
import { templateVariables } from './template-parameters.js';
import { renderTemplatePreview } from './template-preview.js';

const offer: TemplateContent = {
  parameterFormat: 'POSITIONAL',
  header: { format: 'TEXT', text: 'Spring for {{1}}', examples: { '1': 'you' } },
  body: { text: 'Hi {{1}}, take {{2}} off this week.', examples: { '1': 'Ana', '2': '20%' } },
  footer: 'Reply STOP to opt out',
  buttons: [
    { type: 'QUICK_REPLY', text: 'Stop promotions' },
    { type: 'URL', text: 'See the offer', url: 'https://example.com/o/{{1}}', example: 'https://example.com/o/spring' },
  ],
};

describe('renderTemplatePreview', () => {
  it('renders header, body, footer and buttons with the values given, examples elsewhere', () => {
    const preview = renderTemplatePreview(offer, { '1': 'José', 'button:1': 'jose-42' });
    expect(preview.header).to.deep.equal({ format: 'TEXT', text: 'Spring for you' });
    expect(preview.body).to.equal('Hi José, take 20% off this week.');
    expect(preview.buttons.map((b) => b.detail)).to.deep.equal([null, 'https://example.com/o/jose-42']);
    expect(preview.text).to.equal('Spring for you\n\nHi José, take 20% off this week.\n\nReply STOP to opt out');
    expect(preview.missing).to.deep.equal([]);
  });

  it('leaves a placeholder without value or example as written and reports it', () => {
    const preview = renderTemplatePreview({ ...offer, body: { text: 'Hi {{1}}, take {{2}} off.', examples: {} } }, { '1': 'Ana' });
    expect(preview.body).to.equal('Hi Ana, take {{2}} off.');
    expect(preview.missing).to.deep.equal(['2']);
  });

  it('lists every variable a send needs, body first', () => {
    expect(templateVariables(offer).map((v) => [v.key, v.example])).to.deep.equal([
      ['1', 'Ana'],
      ['2', '20%'],
      ['header:1', 'you'],
      ['button:1', 'spring'],
    ]);
  });
});

describe('template components', () => {
  it('writes positional examples as Meta wants them and reads them back unchanged', () => {
    const components = toGraphComponents(offer);
    expect(components[1]).to.deep.equal({ type: 'BODY', text: offer.body.text, example: { body_text: [['Ana', '20%']] } });
    expect(components[0]).to.deep.include({ example: { header_text: ['you'] } });
    expect(fromGraphComponents(JSON.parse(JSON.stringify(components)), 'POSITIONAL')).to.deep.equal(offer);
  });

  it('writes named examples as param_name/example pairs and reads them back', () => {
    const named: TemplateContent = { ...offer, parameterFormat: 'NAMED', header: null, body: { text: 'Hi {{first_name}}, welcome.', examples: { first_name: 'Ana' } }, buttons: [{ type: 'COPY_CODE', example: 'SAVE10' }] };
    const components = toGraphComponents(named);
    expect(components[0]).to.deep.equal({ type: 'BODY', text: named.body.text, example: { body_text_named_params: [{ param_name: 'first_name', example: 'Ana' }] } });
    expect(fromGraphComponents(components, 'NAMED')).to.deep.equal(named);
  });
});
