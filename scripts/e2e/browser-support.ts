import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { TestEngine } from '../../engine/test/support/harness.js';
import type { TenantFixture } from '../../engine/test/support/fixtures.js';
import type { WhatsAppFixture } from '../../engine/test/support/whatsapp.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = fileURLToPath(new URL('../../artifacts/e2e/', import.meta.url));
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export const DESKTOP = { width: 1440, height: 900 };
export const TABLET = { width: 820, height: 1180 };

export interface Support {
  harness: typeof import('../../engine/test/support/harness.js');
  fixtures: typeof import('../../engine/test/support/fixtures.js');
  whatsapp: typeof import('../../engine/test/support/whatsapp.js');
}

/** What a browser suite runs against once its `before` hook has passed. */
export interface BrowserSuite {
  readonly support: Support;
  readonly engine: TestEngine;
  /** The engine's address without a trailing slash. */
  readonly base: string;
  readonly browser: Browser;
  /** Connects the simulator's number to the tenant; the simulator closes with the suite. */
  connectWhatsApp(tenant: TenantFixture): Promise<WhatsAppFixture>;
  /** A page in a context of its own: its own cookie jar, as on a person's own machine. */
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  /** Signs in through the login form (the password of the fixtures unless told). */
  signIn(page: Page, email: string, password?: string): Promise<void>;
}

interface Started {
  support: Support;
  engine: TestEngine;
  browser: Browser;
  simulators: WhatsAppFixture[];
}

/**
 * Registers the `before` and `after` hooks every browser suite shares: a test engine against the
 * real FerretDB and Redis, Debian's Chromium, and the teardown of both and of the engine's data.
 * Call it at the top of a `describe`; the suite's own `before` runs after this one.
 */
export function browserSuite(): BrowserSuite {
  let started: Started | undefined;
  const get = (): Started => {
    if (!started) throw new Error('the browser suite did not start');
    return started;
  };
  const base = (): string => get().engine.url.replace(/\/$/, '');

  before(async function () {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium is required at ${CHROMIUM} for the browser end-to-end test: install Debian's "chromium" package.`);
    await mkdir(SHOTS, { recursive: true });
    // Loaded here so that a missing or failing harness fails this suite only, not the whole run.
    const support: Support = {
      harness: await import('../../engine/test/support/harness.js'),
      fixtures: await import('../../engine/test/support/fixtures.js'),
      whatsapp: await import('../../engine/test/support/whatsapp.js'),
    };
    const engine = await support.harness.startTestEngine();
    try {
      const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
      started = { support, engine, browser, simulators: [] };
    } catch (error) {
      await engine.close();
      throw error;
    }
  });

  after(async function () {
    if (!started) return;
    const { engine, browser, simulators } = started;
    await browser.close();
    for (const wa of simulators) await wa.close();
    // By name: listing every database waits on whatever other suites sharing the server hold open.
    await engine.engine.db.dropAll();
    await engine.close();
  });

  return {
    get support() {
      return get().support;
    },
    get engine() {
      return get().engine;
    },
    get base() {
      return base();
    },
    get browser() {
      return get().browser;
    },
    async connectWhatsApp(tenant) {
      const { support, engine, simulators } = get();
      const wa = await support.whatsapp.connectWhatsApp(engine, tenant);
      simulators.push(wa);
      return wa;
    },
    async newPage(viewport = DESKTOP) {
      return (await get().browser.newContext({ viewport })).newPage();
    },
    async signIn(page, email, password) {
      await page.goto(`${base()}/login`);
      await fill(page, 'login-email', email);
      await fill(page, 'login-password', password ?? get().support.fixtures.PASSWORD);
      await page.getByTestId('login-submit').click();
    },
  };
}

/** naive-ui puts the test id on an input's wrapper; the native field is inside it. */
export async function fill(page: Page, testId: string, value: string): Promise<void> {
  await page.getByTestId(testId).locator('input, textarea').first().fill(value);
}

export async function shot(page: Page, name: string): Promise<void> {
  // Transitions run to their end first: a shot right after a click shows where the page settles.
  await page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true, animations: 'disabled' });
}

/** Opens a naive-ui select and picks the first option with this text. */
export async function choose(page: Page, testId: string, option: string): Promise<void> {
  await page.getByTestId(testId).click();
  await page.locator('.n-base-select-option', { hasText: option }).first().click();
}
