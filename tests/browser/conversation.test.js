'use strict';
// The widget talking to the RUNNING assistant named by RASA_URL (Rasa + action server,
// started by the test harness). WIDGET_URL, when set, is the widget server to use; when
// it is not set these tests serve the widget themselves on a free port of 127.0.0.1
// (Rasa's --cors must then allow that origin, e.g. --cors '*' on a developer machine).
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { launchBrowser, startWidgetServer, newContext } = require('./helpers');

const RASA_URL = process.env.RASA_URL;
const SKIP = !RASA_URL && 'RASA_URL is not set: start the assistant (Rasa + action server) and set '
  + 'RASA_URL (and WIDGET_URL) to run the conversation tests against it';
const REPLY_TIMEOUT = 60000;

describe('conversation with the running assistant', { skip: SKIP }, () => {
  let browser;
  let server;

  before(async () => {
    const res = await fetch(RASA_URL.replace(/\/?$/, '/')).catch((e) => e);
    assert.ok(res.ok, `the assistant at RASA_URL=${RASA_URL} does not answer: ${res.message || res.status}`);
    server = await startWidgetServer(RASA_URL);
    browser = await launchBrowser();
  });
  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  const botCount = (page) => page.locator('.fsc-bot').count();
  // Wait until the widget has finished showing the answer to what was just sent.
  async function waitForReply(page, before) {
    await page.waitForFunction((n) => document.querySelector('.fsc-typing').hidden
      && document.querySelectorAll('.fsc-bot').length > n, before, { timeout: REPLY_TIMEOUT });
    assert.equal(await page.locator('.fsc-error').count(), 0, 'the assistant answered (no connection message)');
  }

  it('greets, answers a reply button and a typed message', async () => {
    const context = await newContext(browser, { viewport: { width: 375, height: 812 } });
    const page = await context.newPage();
    const posted = [];
    page.on('request', (r) => { if (r.url().endsWith('/webhooks/rest/webhook') && r.method() === 'POST') posted.push(r.url()); });
    await page.goto(server.url + 'index.html');
    await waitForReply(page, 0);
    const choices = page.locator('.fsc-choice');
    await choices.first().waitFor({ timeout: REPLY_TIMEOUT });
    assert.ok(await choices.count() >= 2, 'the greeting shows the menu');
    assert.equal(await page.locator('.fsc-user').count(), 0, '"/greet" is not shown');

    const title = (await choices.first().textContent()).trim();
    let n = await botCount(page);
    await choices.first().click();
    await waitForReply(page, n);
    assert.equal((await page.locator('.fsc-user').last().textContent()).replace('You said: ', ''), title);

    n = await botCount(page);
    await page.fill('.fsc-input', 'hello');
    await page.keyboard.press('Enter');
    await waitForReply(page, n);
    const last = await page.locator('.fsc-bot').last().textContent();
    assert.ok(last.replace('Assistant: ', '').trim().length > 0);
    assert.ok(posted.every((u) => u.startsWith(RASA_URL.replace(/\/$/, ''))), 'talks to RASA_URL');
    assert.deepEqual(context.blocked, [], 'no request left this machine');
    assert.deepEqual(context.consoleErrors, [], 'no CORS, CSP or script error');
    await context.close();
  });

  it('can be used with the keyboard alone', async () => {
    const context = await newContext(browser, { viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(server.url + 'index.html');
    await waitForReply(page, 0);
    await page.evaluate(() => document.activeElement.blur());
    let focused = '';
    for (let i = 0; i < 30 && !focused.includes('fsc-input'); i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement.className);
    }
    assert.ok(focused.includes('fsc-input'), 'Tab reaches the text box');
    let n = await botCount(page);
    await page.keyboard.type('What can you help with?');
    await page.keyboard.press('Enter');
    await waitForReply(page, n);
    // Make sure there are reply buttons to choose from, then reach one with Shift+Tab.
    if (!await page.locator('.fsc-choice').count()) {
      n = await botCount(page);
      await page.keyboard.type('menu');
      await page.keyboard.press('Enter');
      await waitForReply(page, n);
    }
    await page.locator('.fsc-choice').first().waitFor({ timeout: REPLY_TIMEOUT });
    focused = '';
    for (let i = 0; i < 30 && !focused.includes('fsc-choice'); i++) {
      await page.keyboard.press('Shift+Tab');
      focused = await page.evaluate(() => document.activeElement.className);
    }
    assert.ok(focused.includes('fsc-choice'), 'Shift+Tab reaches a reply button');
    const title = await page.evaluate(() => document.activeElement.textContent);
    n = await botCount(page);
    await page.keyboard.press('Enter');
    await waitForReply(page, n);
    assert.ok(await page.locator('.fsc-user', { hasText: title }).count());
    assert.ok(await page.locator('.fsc-input').evaluate((el) => el === document.activeElement));
    await context.close();
  });
});
