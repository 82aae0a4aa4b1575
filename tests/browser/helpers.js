'use strict';
// Shared set-up for the browser tests: Debian's Chromium through playwright-core (no
// browser download), the widget's static server, and a network guard so a test never
// reaches anything but this machine.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const ROOT = path.resolve(__dirname, '..', '..');
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const EXIT_URL = 'https://www.bbc.co.uk/weather';
const DEFAULT_RASA = 'http://127.0.0.1:5005';
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

function launchBrowser() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install it with "apt-get install -y chromium"`);
  }
  // launch() gives every run a fresh, temporary user-data-dir.
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// Use WIDGET_URL when the harness gives one; otherwise start bot.web.server on a free port.
async function startWidgetServer(rasaUrl) {
  if (process.env.WIDGET_URL) {
    return { url: process.env.WIDGET_URL.replace(/\/?$/, '/'), stop: async () => {} };
  }
  const python = process.env.PYTHON || 'python3';
  const child = spawn(python, ['-m', 'bot.web.server', '--port', '0', '--rasa-url', rasaUrl, '--quiet'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  process.once('exit', () => child.kill()); // never leave the server behind
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('widget server did not start: ' + stderr)), 15000);
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/(http:\/\/[\d.]+:\d+\/)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`widget server exited ${code}: ${stderr}`)); });
  });
  return {
    url,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', resolve);
      child.kill('SIGTERM');
    }),
  };
}

const isLocal = (url) => {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'data:' || protocol === 'about:' || protocol === 'blob:') return true;
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
};

// A context whose every non-local request is refused (and recorded); the neutral exit
// site gets a stub page so "Leave now" can be checked without a real request.
async function newContext(browser, options = {}) {
  const context = await browser.newContext({ reducedMotion: 'reduce', ...options });
  context.blocked = [];
  context.consoleErrors = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(EXIT_URL)) {
      return route.fulfill({ status: 200, contentType: 'text/html',
        body: '<!doctype html><title>Weather</title><h1>Weather stub</h1>' });
    }
    if (isLocal(url)) return route.fallback();
    context.blocked.push(url);
    return route.abort('blockedbyclient');
  });
  context.on('page', (page) => watchConsole(context, page));
  return context;
}

function watchConsole(context, page) {
  page.on('console', (msg) => { if (msg.type() === 'error') context.consoleErrors.push(msg.text()); });
  page.on('pageerror', (err) => context.consoleErrors.push(String(err)));
}

// Answer the widget's webhook calls in the page itself (no Rasa needed).
// `reply` gets the parsed request body and returns a list of messages, or a number
// (HTTP status) or null (network failure).
async function fakeRasa(page, reply) {
  const calls = [];
  await page.route('**/webhooks/rest/webhook', async (route) => {
    const request = route.request();
    if (request.method() === 'OPTIONS') {
      return route.fulfill({ status: 204, headers: corsHeaders() });
    }
    const body = JSON.parse(request.postData() || '{}');
    calls.push(body);
    const answer = await reply(body, calls.length);
    if (answer === null) return route.abort('connectionrefused');
    if (typeof answer === 'number') return route.fulfill({ status: answer, headers: corsHeaders(), body: 'Internal Server Error\nTraceback (most recent call last): boom' });
    return route.fulfill({ status: 200, contentType: 'application/json', headers: corsHeaders(),
      body: JSON.stringify(answer.map((m) => ({ recipient_id: body.sender, ...m }))) });
  });
  return calls;
}

const corsHeaders = () => ({
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers': 'content-type',
});

// A small conversation with every kind of message the widget renders.
const MENU = [
  { text: 'Hello. I am a computer program that gives information.' },
  { text: 'You do not need to tell me your name.\nYou can stop at any time.' },
  {
    text: 'What would you like to know about? You can tap a button or type your question.',
    buttons: [
      { title: 'Social care and child protection', payload: '/topic_child_protection' },
      { title: 'Peer groups', payload: '/topic_peer_support' },
      { title: 'Find services near me', payload: '/find_service' },
    ],
  },
];

async function runAxe(page) {
  await page.evaluate(AXE_SOURCE); // evaluate, not a <script> tag: the page's CSP forbids inline scripts
  return page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    });
    return result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} :: ${n.failureSummary}`),
    }));
  });
}

async function screenshot(page, name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, name + '.png'), fullPage: false });
}

module.exports = {
  ROOT, ARTIFACTS, EXIT_URL, DEFAULT_RASA, MENU,
  launchBrowser, startWidgetServer, newContext, fakeRasa, runAxe, screenshot, isLocal,
};
