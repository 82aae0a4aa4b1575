'use strict';
// The chat widget in a real browser (Debian's Chromium), with the Rasa webhook answered
// inside the page (page.route), so these tests need no Rasa server. The conversation
// with the real assistant is in conversation.test.js.
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const {
  EXIT_URL, DEFAULT_RASA, MENU, launchBrowser, startWidgetServer, newContext, fakeRasa, runAxe,
  screenshot,
} = require('./helpers');

const ERROR_TEXT = 'Sorry, I cannot connect right now. If you are in danger call 999. ' +
  'You can call Samaritans free on 116 123.';
const PHONE = { width: 320, height: 640 };
const PHONE_L = { width: 375, height: 812 };
const DESKTOP = { width: 1280, height: 800 };

let browser;
let server;
let base;

before(async () => {
  server = await startWidgetServer(process.env.RASA_URL || DEFAULT_RASA);
  base = server.url;
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

// Open a page with a fake assistant: "/greet" gets the menu, anything else `answer`.
async function openChat(file, { viewport = PHONE, answer, context: options } = {}) {
  const context = await newContext(browser, { viewport, ...options });
  const page = await context.newPage();
  const calls = await fakeRasa(page, (body) => (answer ? answer(body)
    : body.message === '/greet' ? MENU : [{ text: 'You sent: ' + body.message }]));
  await page.goto(base + file);
  if (file === 'example.html') await page.click('.fsc-launcher');
  await page.locator('.fsc-choice').first().waitFor();
  return { context, page, calls };
}

// Click a text size button until it says it can go no further; returns the clicks.
async function clickUntilDisabled(button) {
  let clicks = 0;
  while (await button.getAttribute('aria-disabled') !== 'true') {
    assert.ok(clicks < 10, 'the button never reached its limit');
    await button.click();
    clicks += 1;
  }
  return clicks;
}

const bubbles = (page, who) => page.locator(`.fsc-${who}`).evaluateAll(
  (nodes) => nodes.map((n) => n.textContent.replace(/^(Assistant: |You said: )/, '')));

describe('serving', () => {
  it('sends security headers and fills in the Rasa URL', async () => {
    const res = await fetch(base + 'index.html');
    assert.equal(res.status, 200);
    const csp = res.headers.get('content-security-policy');
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /connect-src http:\/\/[^ ;]+(;|$)/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const html = await res.text();
    assert.doesNotMatch(html, /__RASA_URL__/);
    assert.doesNotMatch(html, /<script>|<script [^>]*>[^<]/, 'no inline script');
    const js = await fetch(base + 'widget.js');
    assert.match(js.headers.get('content-type'), /^text\/javascript/);
    for (const bad of ['../server.py', '%2e%2e/server.py', '.hidden', 'missing.js']) {
      assert.equal((await fetch(base + bad)).status, 404, bad);
    }
  });
});

describe('conversation display', () => {
  it('greets on first open without showing "/greet", and focuses the text box', async () => {
    const context = await newContext(browser, { viewport: DESKTOP });
    const page = await context.newPage();
    const calls = await fakeRasa(page, () => MENU);
    await page.goto(base + 'example.html');
    assert.equal(calls.length, 0, 'nothing is sent before the chat is opened');
    const launcher = page.locator('.fsc-launcher');
    assert.equal(await launcher.getAttribute('aria-expanded'), 'false');
    await launcher.click();
    await page.locator('.fsc-choice').first().waitFor();
    assert.deepEqual(calls.map((c) => c.message), ['/greet']);
    assert.match(calls[0].sender, /^[0-9a-f]{32}$/);
    assert.equal(await page.locator('.fsc-user').count(), 0);
    assert.equal(await page.locator('.fsc-bot').count(), 3);
    assert.ok(await page.locator('.fsc-input').evaluate((n) => n === document.activeElement));
    // Escape closes the panel and gives focus back to the launcher; opening again does not re-greet.
    await page.keyboard.press('Escape');
    assert.ok(await launcher.evaluate((n) => n === document.activeElement));
    assert.ok(await page.locator('.fsc-leave-fixed').isVisible());
    await launcher.click();
    assert.equal(calls.length, 1);
    await context.close();
  });

  it('keeps line breaks, links only http(s) addresses and shows markup as text', async () => {
    const nasty = [
      { text: '<img src=x onerror="window.__pwned=1"> <b>bold</b>' },
      { text: 'Line one\nLine two [NHS](https://www.nhs.uk/) [bad](javascript:window.__pwned=2)' },
      { text: 'See https://www.gov.uk/help. Or call 0808 800 5000 javascript:alert(1)' },
      { text: 'Pick one', buttons: [{ title: '<i>italic</i>', payload: '/x' }] },
    ];
    const { context, page } = await openChat('index.html', {
      answer: (b) => (b.message === '/greet' ? nasty : []),
    });
    let dialogs = 0;
    page.on('dialog', (d) => { dialogs += 1; d.dismiss(); });
    const log = page.locator('.fsc-log');
    assert.equal(await log.locator('img, b, i, script').count(), 0);
    const texts = await bubbles(page, 'bot');
    assert.equal(texts[0], '<img src=x onerror="window.__pwned=1"> <b>bold</b>');
    assert.equal(await page.locator('.fsc-choice').textContent(), '<i>italic</i>');
    assert.equal(await log.locator('.fsc-bot').nth(1).locator('br').count(), 1);
    const links = await log.locator('a').evaluateAll((as) => as.map((a) => ({
      href: a.getAttribute('href'), rel: a.rel, target: a.target, text: a.textContent,
    })));
    assert.deepEqual(links, [
      { href: 'https://www.nhs.uk/', rel: 'noopener noreferrer', target: '_blank', text: 'NHS (opens in a new tab)' },
      { href: 'https://www.gov.uk/help', rel: 'noopener noreferrer', target: '_blank', text: 'https://www.gov.uk/help (opens in a new tab)' },
      { href: 'tel:08088005000', rel: '', target: '', text: '0808 800 5000' },
    ]);
    // What the person types is shown as text too.
    await page.fill('.fsc-input', '<img src=y onerror="window.__pwned=3">');
    await page.keyboard.press('Enter');
    await page.locator('.fsc-user').waitFor();
    assert.equal((await bubbles(page, 'user'))[0], '<img src=y onerror="window.__pwned=3">');
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.equal(dialogs, 0);
    assert.equal(await log.locator('img').count(), 0);
    assert.deepEqual(context.consoleErrors, []);
    await context.close();
  });

  it('a reply button sends its payload and shows its title as my message', async () => {
    const { context, page, calls } = await openChat('index.html');
    await page.getByRole('button', { name: 'Peer groups' }).click();
    await page.locator('.fsc-bot', { hasText: 'You sent: /topic_peer_support' }).waitFor();
    assert.equal(calls.at(-1).message, '/topic_peer_support');
    assert.equal(calls.at(-1).sender, calls[0].sender, 'one conversation id per tab');
    assert.deepEqual(await bubbles(page, 'user'), ['Peer groups']);
    assert.equal(await page.locator('.fsc-choice').count(), 0, 'used choices are removed');
    assert.ok(await page.locator('.fsc-input').evaluate((n) => n === document.activeElement));
    await context.close();
  });

  it('scrolls to the newest message', async () => {
    const { context, page } = await openChat('index.html');
    for (let i = 1; i <= 6; i++) {
      await page.fill('.fsc-input', 'message ' + i);
      await page.keyboard.press('Enter');
      await page.locator('.fsc-bot', { hasText: 'You sent: message ' + i }).waitFor();
    }
    const view = await page.locator('.fsc-log').evaluate((log) => {
      const last = log.lastElementChild.getBoundingClientRect();
      const box = log.getBoundingClientRect();
      return { overflows: log.scrollHeight > log.clientHeight, visible: last.top >= box.top && last.bottom <= box.bottom + 1 };
    });
    assert.deepEqual(view, { overflows: true, visible: true });
    await context.close();
  });

  it('shows a kind message, never an error, when the server cannot be reached', async () => {
    let fail = true;
    const { context, page, calls } = await openChat('index.html', {
      answer: (b) => (b.message === '/greet' ? MENU : fail ? null : [{ text: 'Back again' }]),
    });
    await page.fill('.fsc-input', 'hello');
    await page.keyboard.press('Enter');
    const error = page.locator('.fsc-error');
    await error.waitFor();
    assert.equal((await error.textContent()).replace(/^Assistant: /, ''), ERROR_TEXT);
    assert.ok(await error.locator('a[href="tel:999"]').count());
    assert.ok(await error.locator('a[href="tel:116123"]').count());
    // "Try again" sends the same message again, without repeating my bubble.
    fail = false;
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.locator('.fsc-bot', { hasText: 'Back again' }).waitFor();
    assert.deepEqual(calls.slice(1).map((c) => c.message), ['hello', 'hello']);
    assert.deepEqual(await bubbles(page, 'user'), ['hello']);
    await context.close();
  });

  it('shows the same kind message for a server error, with no stack trace', async () => {
    const { context, page } = await openChat('index.html', {
      answer: (b) => (b.message === '/greet' ? MENU : 500),
    });
    await page.fill('.fsc-input', 'hello');
    await page.keyboard.press('Enter');
    await page.locator('.fsc-error').waitFor();
    const text = await page.locator('.fsc').textContent();
    assert.ok(text.includes(ERROR_TEXT));
    assert.doesNotMatch(text, /Traceback|Internal Server Error|500/);
    await context.close();
  });

  it('"forget" replies from the server can wipe the chat and start a new conversation id', async () => {
    const { context, page, calls } = await openChat('index.html', {
      answer: (b) => (b.message === '/greet' ? MENU
        : [{ text: 'I have cleared this conversation.' }, { custom: { clear_chat: true } }]),
    });
    await page.fill('.fsc-input', 'please forget this');
    await page.keyboard.press('Enter');
    await page.locator('.fsc-bot', { hasText: 'I have cleared' }).waitFor();
    assert.deepEqual(await bubbles(page, 'bot'), ['I have cleared this conversation.']);
    assert.equal(await page.locator('.fsc-user').count(), 0);
    const sid = await page.evaluate(() => sessionStorage.getItem('fsc-sid'));
    assert.notEqual(sid, calls[0].sender);
    await context.close();
  });
});

describe('typing while a reply is still appearing', () => {
  // Each message's reply is held back until the test lets it go.
  function heldReplies() {
    const held = new Map();
    const answer = (b) => (b.message === '/greet' ? MENU : new Promise((release) => {
      held.set(b.message, () => release([{ text: 'Answer to ' + b.message }]));
    }));
    return { answer, release: (message) => held.get(message)() };
  }
  const conversation = (page) => page.locator('.fsc-log > .fsc-msg').evaluateAll((nodes) => nodes
    .map((n) => `${n.classList.contains('fsc-user') ? 'me' : 'bot'}: ${n.textContent.replace(/^(Assistant: |You said: )/, '')}`));

  it('a message typed while waiting for a reply is shown as waiting, then sent and answered', async () => {
    const replies = heldReplies();
    const { context, page, calls } = await openChat('index.html', { answer: replies.answer });
    await page.fill('.fsc-input', 'first');
    await page.keyboard.press('Enter');
    await page.locator('.fsc-user', { hasText: 'first' }).waitFor();
    await page.fill('.fsc-input', 'second');
    await page.keyboard.press('Enter');

    const waiting = page.locator('.fsc-log .fsc-waiting');
    await waiting.waitFor();
    assert.equal(await waiting.textContent(), 'You said: second. Waiting to send');
    assert.ok(await page.locator('.fsc-note', { hasText: 'Waiting to send' }).isVisible());
    assert.equal(await page.locator('.fsc-input').inputValue(), '', 'the text left the box');
    assert.match(await page.locator('[role="status"]').textContent(), /will be sent when this reply has finished/);
    assert.deepEqual(calls.map((c) => c.message), ['/greet', 'first'], 'one message at a time');
    assert.deepEqual(await runAxe(page), [], 'the waiting state is readable');

    replies.release('first');
    await page.waitForFunction(() => document.querySelectorAll('.fsc-waiting').length === 0);
    await page.waitForFunction(() => document.querySelectorAll('.fsc-typing:not([hidden])').length === 1);
    assert.deepEqual(calls.map((c) => c.message), ['/greet', 'first', 'second']);
    replies.release('second');
    await page.locator('.fsc-bot', { hasText: 'Answer to second' }).waitFor();
    assert.deepEqual((await conversation(page)).slice(-4),
      ['me: first', 'bot: Answer to first', 'me: second', 'bot: Answer to second']);
    assert.equal(await page.locator('.fsc-note').count(), 0);
    assert.deepEqual(context.consoleErrors, []);
    await context.close();
  });

  it('a message typed between the parts of a long reply waits below it, then goes', async () => {
    const { context, page, calls } = await openChat('index.html', {
      context: { reducedMotion: 'no-preference' }, // parts of a reply then appear one by one
      answer: (b) => (b.message === '/greet' ? MENU : b.message === 'first'
        ? [{ text: 'Part 1' }, { text: 'Part 2' }, { text: 'Part 3' }, { text: 'Part 4' }]
        : [{ text: 'Answer to ' + b.message }]),
    });
    await page.fill('.fsc-input', 'first');
    await page.keyboard.press('Enter');
    await page.locator('.fsc-bot', { hasText: 'Part 1' }).waitFor();
    assert.equal(await page.locator('.fsc-bot', { hasText: 'Part 4' }).count(), 0, 'the reply is still appearing');
    await page.fill('.fsc-input', 'second');
    await page.keyboard.press('Enter');
    await page.fill('.fsc-input', 'third');
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('.fsc-waiting').count(), 2);

    // The rest of the reply appears above the waiting messages; then each goes in turn.
    await page.locator('.fsc-bot', { hasText: 'Answer to third' }).waitFor();
    assert.deepEqual((await conversation(page)).slice(-9), [
      'me: first', 'bot: Part 1', 'bot: Part 2', 'bot: Part 3', 'bot: Part 4',
      'me: second', 'bot: Answer to second', 'me: third', 'bot: Answer to third']);
    assert.deepEqual(calls.map((c) => c.message), ['/greet', 'first', 'second', 'third']);
    assert.equal(new Set(calls.map((c) => c.sender)).size, 1);
    await context.close();
  });

  it('a reply button pressed while the reply is still appearing also waits, and cannot be pressed twice', async () => {
    const { context, page, calls } = await openChat('index.html', {
      context: { reducedMotion: 'no-preference' },
      answer: (b) => (b.message === '/greet' ? MENU : b.message === 'first'
        ? [MENU[2], { text: 'Part 2' }, { text: 'Part 3' }, { text: 'Part 4' }]
        : [{ text: 'Answer to ' + b.message }]),
    });
    await page.fill('.fsc-input', 'first');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Peer groups' }).click();
    assert.equal(await page.locator('.fsc-bot', { hasText: 'Part 4' }).count(), 0, 'the reply is still appearing');
    assert.equal(await page.locator('.fsc-choice').count(), 0, 'the pressed buttons went at once');
    assert.equal(await page.locator('.fsc-waiting', { hasText: 'Peer groups' }).count(), 1);
    await page.locator('.fsc-bot', { hasText: 'Answer to /topic_peer_support' }).waitFor();
    assert.deepEqual((await conversation(page)).slice(-6), ['bot: ' + MENU[2].text, 'bot: Part 2', 'bot: Part 3',
      'bot: Part 4', 'me: Peer groups', 'bot: Answer to /topic_peer_support']);
    assert.deepEqual(calls.map((c) => c.message), ['/greet', 'first', '/topic_peer_support']);
    await context.close();
  });
});

describe('privacy', () => {
  it('"Clear this chat" wipes the screen, asks the server to forget, and starts a new id', async () => {
    const { context, page, calls } = await openChat('index.html', {
      answer: (b) => (b.message === '/greet' ? MENU
        : b.message === '/forget_conversation' ? [{ text: 'I have deleted this conversation from our server.' }]
          : [{ text: 'You sent: ' + b.message }]),
    });
    await page.fill('.fsc-input', 'something private');
    await page.keyboard.press('Enter');
    await page.locator('.fsc-bot', { hasText: 'You sent' }).waitFor();
    await page.locator('.fsc-tracks summary').click();
    await page.getByRole('button', { name: 'Clear this chat' }).click();
    await page.locator('.fsc-bot', { hasText: 'I have deleted' }).waitFor();
    assert.deepEqual(calls.at(-1), { sender: calls[0].sender, message: '/forget_conversation' });
    assert.deepEqual(await bubbles(page, 'bot'), ['I have deleted this conversation from our server.']);
    assert.equal(await page.locator('.fsc-user').count(), 0);
    assert.doesNotMatch(await page.locator('.fsc').textContent(), /something private/);
    await page.waitForFunction((old) => sessionStorage.getItem('fsc-sid') !== old, calls[0].sender);
    await page.fill('.fsc-input', 'next');
    await page.keyboard.press('Enter');
    await page.locator('.fsc-bot', { hasText: 'You sent: next' }).waitFor();
    assert.notEqual(calls.at(-1).sender, calls[0].sender);
    await context.close();
  });

  it('keeps only a random id and the text size in sessionStorage: no cookies, no localStorage, no third parties', async () => {
    const { context, page, calls } = await openChat('example.html');
    await page.getByRole('button', { name: 'Bigger text' }).click();
    await page.getByRole('button', { name: 'Find services near me' }).click();
    await page.locator('.fsc-bot', { hasText: 'You sent' }).waitFor();
    const storage = await page.evaluate(() => ({
      local: localStorage.length,
      session: Object.fromEntries(Object.keys(sessionStorage).map((k) => [k, sessionStorage.getItem(k)])),
    }));
    assert.equal(storage.local, 0);
    assert.deepEqual(Object.keys(storage.session).sort(), ['fsc-sid', 'fsc-size']);
    assert.equal(storage.session['fsc-sid'], calls[0].sender);
    assert.deepEqual(await context.cookies(), []);
    assert.deepEqual(context.blocked, [], 'no request left this machine');
    assert.deepEqual(context.consoleErrors, [], 'no CSP violation or script error');
    await context.close();
  });
});

describe('leaving fast', () => {
  // The test watches the old page: right after the chat is removed (in the same task that
  // starts the navigation) it reports what is left on the page and in storage.
  async function checkLeft(page, context, trigger) {
    const reports = [];
    await page.exposeBinding('reportLeaving', (source, data) => { reports.push(data); });
    await page.goto(base + 'favicon.svg'); // the history entry before the chat
    await page.goto(base + 'index.html');
    await page.locator('.fsc-choice').first().waitFor();
    assert.ok(await page.evaluate(() => sessionStorage.getItem('fsc-sid')));
    await page.evaluate(() => new MutationObserver(() => {
      if (document.querySelector('.fsc')) return;
      window.reportLeaving({
        text: document.body.textContent.trim(), session: sessionStorage.length, local: localStorage.length,
      });
    }).observe(document.body, { childList: true, subtree: true }));
    const historyLength = await page.evaluate(() => history.length);
    // The exit page answers a moment late, so the old page's report of what it
    // emptied always reaches the test before the old page is gone (on a busy
    // machine it could otherwise be lost in the navigation).
    await page.route(EXIT_URL + '**', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await route.fulfill({ status: 200, contentType: 'text/html', body: '<title>Weather</title><h1>Weather stub</h1>' });
    });
    await trigger();
    await page.waitForURL(EXIT_URL);
    for (let i = 0; i < 20 && !reports.length; i++) await page.waitForTimeout(50);
    assert.deepEqual(reports, [{ text: '', session: 0, local: 0 }], 'the old page was emptied first');
    assert.equal(await page.title(), 'Weather');
    assert.equal(await page.evaluate(() => history.length), historyLength, 'location.replace adds no entry');
    await page.goBack();
    assert.equal(page.url(), base + 'favicon.svg', 'Back skips the chat');
    assert.equal(await page.evaluate(() => sessionStorage.length + localStorage.length), 0);
    assert.deepEqual(context.blocked, []);
  }

  it('"Leave now" empties the page and storage, then replaces it with a neutral site', async () => {
    const { context, page } = await openChat('index.html');
    await checkLeft(page, context, () => page.getByRole('button', { name: 'Leave now' }).click());
    await context.close();
  });

  it('pressing Shift 3 times does the same', async () => {
    const { context, page } = await openChat('index.html');
    await checkLeft(page, context, async () => {
      await page.locator('.fsc-input').focus();
      for (let i = 0; i < 3; i++) await page.keyboard.press('Shift');
    });
    await context.close();
  });

  it('Shift used for typing, or pressed slowly, does not leave', async () => {
    const { context, page } = await openChat('index.html');
    await page.locator('.fsc-input').focus();
    await page.keyboard.press('Shift');
    await page.keyboard.press('Shift');
    await page.keyboard.press('Shift+KeyA');
    await page.keyboard.press('Shift');
    await page.keyboard.press('Shift');
    await page.waitForTimeout(1200);
    await page.keyboard.press('Shift');
    await page.waitForTimeout(300);
    assert.equal(page.url(), base + 'index.html');
    assert.equal(await page.locator('.fsc-input').inputValue(), 'A');
    await context.close();
  });

  it('the launcher page shows "Leave now" while the chat is closed too', async () => {
    const context = await newContext(browser, { viewport: PHONE });
    const page = await context.newPage();
    await page.goto(base + 'example.html');
    await page.getByRole('button', { name: 'Leave now' }).click();
    await page.waitForURL(EXIT_URL);
    await context.close();
  });
});

describe('keyboard and accessibility', () => {
  it('works with the keyboard alone: Tab to the box, type, Enter, then a reply button', async () => {
    const context = await newContext(browser, { viewport: DESKTOP });
    const page = await context.newPage();
    const calls = await fakeRasa(page, (b) => (b.message === '/greet' ? MENU : [
      { text: 'Here are some choices.', buttons: [{ title: 'Tell me more', payload: '/more' }, { title: 'Back to the menu', payload: '/main_menu' }] },
    ]));
    await page.goto(base + 'index.html');
    await page.locator('.fsc-choice').first().waitFor();
    await page.evaluate(() => document.activeElement.blur());
    const visited = [];
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press('Tab');
      const name = await page.evaluate(() => document.activeElement.className || document.activeElement.tagName);
      visited.push(name);
      if (name.includes('fsc-input')) break;
    }
    assert.ok(visited.at(-1).includes('fsc-input'), 'Tab reaches the text box: ' + visited.join(', '));
    assert.ok(visited.some((n) => n.includes('fsc-leave')), 'Tab passes "Leave now"');
    assert.ok(visited.some((n) => n.includes('fsc-choice')), 'Tab passes the reply buttons');
    await page.keyboard.type('I need help');
    await page.keyboard.press('Enter');
    await page.locator('.fsc-choice', { hasText: 'Tell me more' }).waitFor();
    assert.equal(calls.at(-1).message, 'I need help');
    // Reply buttons sit just before the text box: Shift+Tab reaches them.
    let focused = '';
    for (let i = 0; i < 5 && !focused.includes('fsc-choice'); i++) {
      await page.keyboard.press('Shift+Tab');
      focused = await page.evaluate(() => document.activeElement.className);
    }
    assert.ok(focused.includes('fsc-choice'));
    const ring = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.equal(ring, 'solid', 'focus is visible');
    const title = await page.evaluate(() => document.activeElement.textContent);
    await page.keyboard.press('Enter');
    await page.locator('.fsc-user', { hasText: title }).waitFor();
    assert.equal(calls.at(-1).message, title === 'Tell me more' ? '/more' : '/main_menu');
    assert.ok(await page.locator('.fsc-input').evaluate((n) => n === document.activeElement));
    await context.close();
  });

  it('announces new messages through a polite log region, with labelled controls', async () => {
    const { context, page } = await openChat('index.html');
    const log = page.locator('.fsc-log');
    assert.equal(await log.getAttribute('role'), 'log');
    assert.equal(await log.getAttribute('aria-live'), 'polite');
    assert.equal(await page.getByLabel('Type your message').count(), 1);
    for (const name of ['Leave now', 'Smaller text', 'Bigger text', 'Send']) {
      assert.equal(await page.getByRole('button', { name }).count(), 1, name);
    }
    await context.close();
  });

  for (const [label, viewport] of [['320x640', PHONE], ['375x812', PHONE_L], ['1280x800', DESKTOP]]) {
    for (const file of ['index.html', 'example.html']) {
      it(`axe finds no violations: ${file} at ${label}`, async () => {
        const { context, page } = await openChat(file, {
          viewport,
          answer: (b) => (b.message === '/greet' ? MENU : null),
        });
        await page.fill('.fsc-input', 'hello');
        await page.keyboard.press('Enter');
        await page.locator('.fsc-error').waitFor();
        await page.locator('.fsc-tracks summary').click();
        assert.deepEqual(await runAxe(page), []);
        if (file === 'example.html') {
          await page.keyboard.press('Escape');
          assert.deepEqual(await runAxe(page), [], 'chat closed');
        }
        await context.close();
      });
    }
  }

  it('no horizontal scrolling at 320px wide or 200% zoom, even with the biggest text', async () => {
    for (const viewport of [PHONE, { width: 640, height: 400 }]) {
      const long = 'https://www.example.org/' + 'averyveryverylongpathsegment'.repeat(4);
      const { context, page } = await openChat('example.html', {
        viewport,
        answer: (b) => (b.message === '/greet' ? [...MENU, { text: 'Look at ' + long }] : []),
      });
      await clickUntilDisabled(page.getByRole('button', { name: 'Bigger text' }));
      const widths = await page.evaluate(() => [document.documentElement, ...document.querySelectorAll('.fsc-panel, .fsc-log')]
        .map((n) => n.scrollWidth - n.clientWidth));
      assert.deepEqual(widths, [0, 0, 0], `viewport ${viewport.width}x${viewport.height}`);
      await screenshot(page, `widget-${viewport.width}x${viewport.height}-biggest-text`);
      await context.close();
    }
  });

  it('text size buttons change the size and remember it for this tab only', async () => {
    const { context, page } = await openChat('index.html');
    const fontSize = () => page.locator('.fsc').evaluate((n) => getComputedStyle(n).fontSize);
    assert.equal(await fontSize(), '16px');
    await page.getByRole('button', { name: 'Bigger text' }).click();
    await page.getByRole('button', { name: 'Bigger text' }).click();
    assert.equal(await fontSize(), '20px');
    await page.reload();
    await page.locator('.fsc-choice').first().waitFor();
    assert.equal(await fontSize(), '20px');
    assert.equal(await clickUntilDisabled(page.getByRole('button', { name: 'Smaller text' })), 3);
    assert.equal(await fontSize(), '14px');
    await clickUntilDisabled(page.getByRole('button', { name: 'Bigger text' }));
    assert.equal(await fontSize(), '32px');
    assert.equal(await page.evaluate(() => localStorage.length), 0);
    await context.close();
  });

  it('every control is at least 24 by 24 pixels', async () => {
    const { context, page } = await openChat('index.html');
    await page.locator('.fsc-tracks summary').click();
    const small = await page.locator('.fsc button, .fsc input, .fsc summary').evaluateAll((nodes) => nodes
      .map((n) => [n.className || n.tagName, n.getBoundingClientRect()])
      .filter(([, r]) => r.width > 0 && (r.width < 24 || r.height < 24))
      .map(([name, r]) => `${name} ${r.width}x${r.height}`));
    assert.deepEqual(small, []);
    await context.close();
  });

  it('respects reduced motion', async () => {
    const { context, page } = await openChat('index.html', { context: { reducedMotion: 'reduce' } });
    assert.equal(await page.locator('.fsc-typing span').first().evaluate((n) => getComputedStyle(n).animationName), 'none');
    await context.close();
    const moving = await openChat('index.html', { context: { reducedMotion: 'no-preference' } });
    assert.equal(await moving.page.locator('.fsc-typing span').first().evaluate((n) => getComputedStyle(n).animationName), 'fsc-blink');
    await moving.context.close();
  });
});

describe('screenshots (test-artifacts/)', () => {
  for (const [label, viewport] of [['phone-320', PHONE], ['phone-375', PHONE_L], ['desktop', DESKTOP]]) {
    it(`saves ${label} screenshots of both pages`, async () => {
      for (const file of ['index.html', 'example.html']) {
        const { context, page } = await openChat(file, { viewport });
        await screenshot(page, `widget-${label}-${file.replace('.html', '')}`);
        if (file === 'example.html') {
          await page.keyboard.press('Escape');
          await screenshot(page, `widget-${label}-example-closed`);
        }
        await context.close();
      }
    });
  }
});
