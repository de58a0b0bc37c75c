import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { CampaignView, TemplateView } from '@parley/common';
import type { ApiClient } from '../../engine/test/support/api-client.js';
import type { TenantFixture } from '../../engine/test/support/fixtures.js';
import type { WhatsAppFixture } from '../../engine/test/support/whatsapp.js';
import { contactList } from '../../engine/test/campaigns/campaign-fixtures.js';
import { solidPng, uploadMedia } from '../../engine/test/media/media-files.js';
import { browserSuite, choose, fill, shot, TABLET } from './browser-support.js';

const TEMPLATE = 'spring_photo';
const LIST = 'Photo customers';
const SAMPLE = { name: 'spring-sample.png', mimeType: 'image/png', buffer: solidPng(320, 200, [37, 211, 102]) };
const HEADER = { name: 'spring-banner.png', mimeType: 'image/png', buffer: solidPng(640, 360, [255, 152, 0]) };

async function noSideScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
  expect(overflow).to.be.at.most(0);
}

/** The width of the picture the browser decoded (0 for a broken image). */
async function drawnWidth(page: Page, testId: string): Promise<number> {
  const image = `document.querySelector('[data-testid="${testId}"]')`;
  await page.waitForFunction(`${image}?.complete === true`);
  return Number(await page.evaluate(`${image}.naturalWidth`));
}

/** From the builder's first step to its variables: a name, the list, the template. */
async function toVariables(page: Page, name: string): Promise<void> {
  await page.getByTestId('campaign-builder').waitFor();
  await fill(page, 'campaign-name', name);
  await choose(page, 'campaign-lists', LIST);
  await page.keyboard.press('Escape');
  await page.getByTestId('builder-next').click();
  await choose(page, 'campaign-template', TEMPLATE);
  await page.getByTestId('builder-next').click();
}

describe('Uploading header files in the browser', function () {
  this.timeout(240_000);

  const suite = browserSuite();
  const marketerEmail = `mia.${Date.now().toString(36)}@media-e2e.test`;
  let tenant: TenantFixture;
  let wa: WhatsAppFixture;
  let marketer: ApiClient;
  let page: Page;

  before(async function () {
    const { engine, support } = suite;
    tenant = await support.fixtures.onboardTenant(engine, 'media-e2e');
    wa = await suite.connectWhatsApp(tenant);
    await fetch(`${wa.sim.url}/__sim/settings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ templateReviewMs: null }) });
    marketer = (await support.fixtures.addMember(engine, tenant, marketerEmail, ['marketer'])).client;
    await contactList(engine, tenant, LIST, [9100, 9101]);
    page = await suite.newPage();
  });

  it('uploads the sample picture of an image header in the template editor, with a thumbnail in the preview', async function () {
    await suite.signIn(page, marketerEmail);
    await page.getByTestId('app-shell').waitFor();
    await page.getByTestId('nav-templates').click();
    await page.getByTestId('template-create').click();
    await page.getByTestId('template-editor').waitFor();
    await fill(page, 'template-name', TEMPLATE);
    await choose(page, 'template-header-kind', 'Image');
    await page.getByTestId('template-problem').getByText('upload a sample image').waitFor();

    // A file WhatsApp does not take is refused in words, before anything is sent.
    await page.getByTestId('media-picker-input').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a picture') });
    expect(await page.getByTestId('media-picker-error').textContent()).to.equal('notes.txt must be a JPEG or PNG image, an MP4 video or a PDF document.');

    await page.getByTestId('media-picker-input').setInputFiles(SAMPLE);
    await page.getByTestId('media-picker-thumbnail').waitFor();
    expect(await page.getByTestId('media-picker-name').textContent()).to.equal(SAMPLE.name);
    expect(await page.getByTestId('media-picker-error').count()).to.equal(0);
    await page.getByTestId('preview-image').waitFor();
    expect(await drawnWidth(page, 'preview-image'), 'the picture is drawn, not a broken image').to.equal(320);

    await fill(page, 'template-body', 'Hi {{1}}, the spring plans are here.');
    await fill(page, 'example-body-1', 'Ana');
    await page.getByTestId('template-clean').waitFor();
    await shot(page, 'media-01-template-sample');
    await page.setViewportSize(TABLET);
    await shot(page, 'media-02-template-sample-tablet');
    await noSideScroll(page);

    await page.getByTestId('template-submit').click();
    await page.getByTestId('template-editor').waitFor({ state: 'detached' });
    await page.locator(`[data-testid="template-row"][data-name="${TEMPLATE}"] [data-testid="template-status"][data-status="PENDING"]`).waitFor();
    const [sent] = wa.sim.state.templates.all().filter((template) => template.name === TEMPLATE);
    const handle = (sent?.components[0]?.example?.header_handle as string[] | undefined)?.[0] ?? '';
    expect(wa.sim.state.uploads.sample(handle)?.bytes.equals(SAMPLE.buffer), 'WhatsApp reviews it with the uploaded picture').to.equal(true);
  });

  it('uploads the header picture of a campaign in the builder and sends it by its media id', async function () {
    const [template] = (await marketer.get<TemplateView[]>('/api/templates')).body.filter((candidate) => candidate.name === TEMPLATE);
    expect((await fetch(`${wa.sim.url}/__sim/templates/${template?.graphId ?? ''}/review`, { method: 'POST' })).status).to.equal(200);
    await suite.support.whatsapp.eventually(async () => (await marketer.get<TemplateView[]>('/api/templates')).body.some((candidate) => candidate.name === TEMPLATE && candidate.status === 'APPROVED'), 'the template to be approved');

    await page.getByTestId('nav-campaigns').click();
    await page.getByTestId('campaigns-empty-create').click();
    await toVariables(page, 'Spring banner');

    const row = page.locator('[data-testid="variable-row"][data-parameter="header:media"]');
    await row.getByTestId('media-picker').waitFor();
    await page.getByTestId('variable-source-header:media').click();
    await page.locator('.n-base-select-option').first().waitFor();
    expect(await page.locator('.n-base-select-option').allTextContents()).to.deep.equal(['Upload a file', 'Link', 'Link in a contact attribute']);
    await page.keyboard.press('Escape');
    await row.getByTestId('media-picker-input').setInputFiles(HEADER);
    await row.getByTestId('media-picker-thumbnail').waitFor();
    await page.getByTestId('campaign-preview-image').waitFor();
    expect(await drawnWidth(page, 'campaign-preview-image'), 'the picture is drawn, not a broken image').to.equal(640);
    await fill(page, 'variable-fallback-1', 'there');
    await shot(page, 'media-03-campaign-header-tablet');
    await noSideScroll(page);
    await page.setViewportSize({ width: 1440, height: 900 });
    await shot(page, 'media-04-campaign-header');

    await page.getByTestId('builder-next').click();
    await page.getByTestId('campaign-send-now').click();
    await page.getByTestId('builder-next').click();
    await page.getByTestId('builder-step-review').waitFor();
    await page.getByTestId('builder-launch').click();
    await page.locator('.n-dialog').getByRole('button', { name: 'Send now' }).click();
    await page.getByTestId('campaign-detail').waitFor();
    const campaignId = new URL(page.url()).pathname.split('/').pop() ?? '';

    const send = await suite.support.whatsapp.eventually(async () => wa.sends().find((candidate) => candidate.templateName === TEMPLATE), 'the campaign send at the simulator');
    const header = JSON.stringify(send.request).match(/"image":\{"id":"(\d+)"\}/)?.[1] ?? '';
    expect(wa.sim.state.media.get(header)?.bytes.equals(HEADER.buffer), 'the uploaded picture goes out').to.equal(true);
    await suite.support.whatsapp.eventually(async () => (await marketer.get<CampaignView>(`/api/campaigns/${campaignId}`)).body.counters.delivered === 2, 'both messages to be delivered');
  });

  it('offers the files uploaded before in the builder: one is picked, one nothing uses is deleted', async function () {
    const spare = { name: 'old-banner.png', mimeType: 'image/png', buffer: solidPng(200, 200, [0, 120, 255]) };
    const uploaded = await uploadMedia(marketer, spare.buffer, { purpose: 'campaign_header', fileName: spare.name, type: spare.mimeType });
    expect(uploaded.status).to.equal(201);

    await page.goto(`${suite.base}/campaigns/new`);
    await toVariables(page, 'Spring banner again');

    const row = page.locator('[data-testid="variable-row"][data-parameter="header:media"]');
    const tiles = row.getByTestId('media-picker-recent-file');
    await tiles.first().waitFor();
    // Newest first: the spare file, then the campaign's banner (its campaign is over).
    expect(await tiles.allTextContents()).to.deep.equal([spare.name, HEADER.name]);
    await shot(page, 'media-05-recent-files');
    await row.getByTestId('media-picker-recent-delete').first().click();
    await suite.support.whatsapp.eventually(async () => (await tiles.count()) === 1, 'the deleted file to leave the list');
    expect((await marketer.get(`/api/media/${(uploaded.body as { id: string }).id}`)).status).to.equal(404);
    await tiles.first().click();
    await row.getByTestId('media-picker-thumbnail').waitFor();
    expect(await row.getByTestId('media-picker-name').textContent()).to.equal(HEADER.name);
    await page.getByTestId('campaign-preview-image').waitFor();
    expect(await drawnWidth(page, 'campaign-preview-image')).to.equal(640);
  });
});
