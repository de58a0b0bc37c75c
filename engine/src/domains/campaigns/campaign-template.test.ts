import { expect } from 'chai';
import { templateVariables, uniqueTokens, type MediaView, type TemplateContent, type TemplateView, type VariableMapping } from '@parley/common';
import { headerFileIssue, mappingIssues, paramsFor, templateMessage, withHeaderMedia } from './campaign-template.js';

function viewOf(content: TemplateContent, name = 'offer'): TemplateView {
  return {
    id: 'tpl1',
    graphId: '1',
    wabaId: 'waba',
    name,
    language: 'en',
    category: 'MARKETING',
    status: 'APPROVED',
    quality: 'GREEN',
    reason: null,
    parameterFormat: content.parameterFormat,
    body: content.body.text,
    parameters: uniqueTokens(content.body.text),
    variables: templateVariables(content),
    content,
    editable: true,
    updatedAt: new Date(0).toISOString(),
    submittedAt: null,
  };
}

const named = viewOf({ parameterFormat: 'NAMED', header: null, body: { text: 'Hi {{first_name}}, {{plan}} is here.', examples: { first_name: 'Ana', plan: 'Fibre' } }, footer: null, buttons: [] });
const photo = viewOf({
  parameterFormat: 'POSITIONAL',
  header: { format: 'IMAGE', example: 'https://parley.test/sample.jpg' },
  body: { text: 'Hi {{1}}, look at this.', examples: { 1: 'Ana' } },
  footer: null,
  buttons: [{ type: 'COPY_CODE', example: 'SAVE10' }],
});
const member = { name: 'Maria  da\nSilva', phone: '+5511987654321', attributes: { city: 'Recife' } };

describe('Campaign template messages', () => {
  it('sends a recipient rendered before header and button values existed by its body values, in parameter order', () => {
    const body = templateMessage(named, { _id: 'c1:5511', attempt: 2, phone: '+5511', values: ['Ana', 'Fibre 500'], params: null });
    expect(body).to.deep.equal({
      to: '+5511',
      type: 'template',
      template: {
        name: 'offer',
        language: { code: 'en' },
        components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana', parameter_name: 'first_name' }, { type: 'text', text: 'Fibre 500', parameter_name: 'plan' }] }],
      },
      biz_opaque_callback_data: 'cmp:c1:5511:2',
    });
  });

  it('leaves a body variable without a value out, so that WhatsApp refuses the send (132000) instead of the batch failing', () => {
    const body = templateMessage(named, { _id: 'c1:5511', attempt: 0, phone: '+5511', values: [], params: { first_name: 'Ana' } });
    expect(body.template).to.deep.equal({ name: 'offer', language: { code: 'en' }, components: [] });
  });

  it('renders every variable of a member on one line, from the contact or the fallback, and names those left empty', () => {
    const variables: VariableMapping[] = [
      { parameter: '1', source: { kind: 'name' }, fallback: '' },
      { parameter: 'header:media', source: { kind: 'attribute', key: 'photo' }, fallback: '' },
      { parameter: 'button:0', source: { kind: 'text', value: ' SPRING\t10 ' }, fallback: '' },
    ];
    expect(paramsFor(photo, variables, member)).to.deep.equal({ params: { 1: 'Maria da Silva', 'button:0': 'SPRING 10' }, missing: ['header:media'] });
  });

  it('refuses a launch that leaves a variable unmapped or gives a media header no link, in words', () => {
    expect(mappingIssues(photo, [{ parameter: '1', source: { kind: 'first_name' }, fallback: 'there' }])).to.deep.equal([
      { field: 'body.variables', message: 'map every template variable: Header image, Code to copy' },
    ]);
    const noLink: VariableMapping[] = [
      { parameter: '1', source: { kind: 'first_name' }, fallback: 'there' },
      { parameter: 'header:media', source: { kind: 'text', value: 'spring.jpg' }, fallback: '' },
      { parameter: 'button:0', source: { kind: 'text', value: 'SAVE10' }, fallback: '' },
    ];
    expect(mappingIssues(photo, noLink)).to.deep.equal([{ field: 'body.variables', message: 'the header image needs a link to the file, starting with https://' }]);
    const linked = noLink.map((mapping): VariableMapping => (mapping.parameter === 'header:media' ? { ...mapping, source: { kind: 'text', value: 'https://cdn.parley.test/spring.jpg' } } : mapping));
    expect(mappingIssues(photo, linked)).to.deep.equal([]);
  });

  it('sends an uploaded header file by its media id, a document with its file name, and never a sample handle as a link', () => {
    const params = withHeaderMedia({ 1: 'Ana', 'button:0': 'SAVE10', 'header:media': '65f0c0ffee0000000000beef' }, { graphMediaId: '1234567890', fileName: 'spring.png', mimeType: 'image/png' });
    const body = templateMessage(photo, { _id: 'c1:5511', attempt: 0, phone: '+5511', values: [], params });
    expect((body.template as { components: unknown[] }).components[0]).to.deep.equal({ type: 'header', parameters: [{ type: 'image', image: { id: '1234567890' } }] });
    const pdf = withHeaderMedia({}, { graphMediaId: '42', fileName: 'Prices.pdf', mimeType: 'application/pdf' });
    expect(pdf).to.deep.equal({ 'header:media': '42', 'header:media:filename': 'Prices.pdf' });
  });

  it('takes for the header only a campaign upload of a type the header format takes', () => {
    const file = (mimeType: MediaView['mimeType'], purpose: MediaView['purpose'] = 'campaign_header'): MediaView => ({
      id: 'm1', purpose, fileName: 'f', mimeType, size: 1, sha256: '', handle: null, uploadedAt: new Date(0).toISOString(), contentUrl: '/api/media/m1/content',
    });
    expect(headerFileIssue(photo, file('image/jpeg'))).to.equal(null);
    expect(headerFileIssue(photo, file('video/mp4'))?.message).to.equal('the header image must be image/jpeg or image/png; f is video/mp4');
    expect(headerFileIssue(photo, file('image/png', 'template_example'))?.message).to.contain('uploaded as a template sample');
    expect(headerFileIssue(named, file('image/png'))?.message).to.equal('this template has no media header to send a file in');
  });
});
