/* Support chat widget. Plain JavaScript, no dependencies, no cookies, no localStorage.
   Every node is built with createElement/textContent, so text from the server can
   never become markup. Embed:
   <link rel="stylesheet" href="https://HOST/widget.css">
   <script src="https://HOST/widget.js" data-rasa-url="https://RASA" defer></script>
   Options (data-*): rasa-url, exit-url, mode ("launcher" or "page"), mount (CSS
   selector, page mode), title, greet (hidden first message, default "/greet"),
   leave-button ("off": no fixed Leave now button while the chat is closed, for
   hosts that have their own). */
(() => {
  'use strict';
  const script = document.currentScript || document.querySelector('script[data-rasa-url]');
  const ds = (script && script.dataset) || {};
  const httpUrl = (v) => {
    try { const u = new URL(v); return /^https?:$/.test(u.protocol) ? u : null; } catch (e) { return null; }
  };
  const RASA = (httpUrl(ds.rasaUrl) || new URL('http://127.0.0.1:5005')).href.replace(/\/+$/, '');
  const EXIT = (httpUrl(ds.exitUrl) || new URL('https://www.bbc.co.uk/weather')).href;
  const PAGE = ds.mode === 'page';
  const TITLE = ds.title || 'Support chat';
  const ERROR_TEXT = 'Sorry, I cannot connect right now. If you are in danger call 999. ' +
    'You can call Samaritans free on 116 123.';
  const SIZES = [0.875, 1, 1.125, 1.25, 1.5, 1.75, 2];
  const reduceMotion = matchMedia('(prefers-reduced-motion: reduce)');
  const coarse = matchMedia('(pointer: coarse)');

  /* sessionStorage only (gone when the tab closes); every key starts with the prefix. */
  const PREFIX = 'fsc-';
  const store = {
    get: (k) => { try { return sessionStorage.getItem(PREFIX + k); } catch (e) { return null; } },
    set: (k, v) => { try { sessionStorage.setItem(PREFIX + k, v); } catch (e) { /* storage off */ } },
    clear: () => {
      try {
        for (let i = sessionStorage.length - 1; i >= 0; i--) {
          const k = sessionStorage.key(i);
          if (k && k.startsWith(PREFIX)) sessionStorage.removeItem(k);
        }
      } catch (e) { /* storage off */ }
    },
  };
  let sid = store.get('sid');
  const newSid = () => {
    const b = crypto.getRandomValues(new Uint8Array(16));
    sid = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    store.set('sid', sid);
  };
  if (!/^[0-9a-f]{32}$/.test(sid || '')) newSid();

  const el = (tag, props, ...kids) => {
    const n = document.createElement(tag);
    Object.entries(props || {}).forEach(([k, v]) => {
      if (v == null || v === false) return;
      if (k === 'text') n.textContent = v;
      else if (k === 'class') n.className = v;
      else if (k.startsWith('on')) n.addEventListener(k.slice(2), v);
      else n.setAttribute(k, v === true ? '' : v);
    });
    n.append(...kids.filter((c) => c != null && c !== false));
    return n;
  };
  const sr = (text) => el('span', { class: 'fsc-sr', text });

  /* Text -> nodes: line breaks, [title](https://...) and bare http(s) links, and UK
     phone numbers as tap-to-call links. */
  const TOKEN = new RegExp([
    '\\[([^\\]\\n]{1,200})\\]\\((https?://[^\\s)]+)\\)',
    '(https?://[^\\s<>"]*[^\\s<>".,;:!?)\'])',
    '\\b(999|111|116 ?\\d{3}|0\\d{2,4}(?: \\d{3,4}){1,2}|0\\d{4} \\d{6}|0\\d{9,10})\\b',
  ].join('|'), 'g');
  const link = (text, href) => {
    const u = httpUrl(href);
    if (!u) return text;
    return el('a', { href: u.href, target: '_blank', rel: 'noopener noreferrer' },
      text, sr(' (opens in a new tab)'));
  };
  const phone = (text) => {
    const d = text.replace(/\D/g, '');
    const ok = d.length === 3 || d.length === 6 || d.length === 10 || d.length === 11 ||
      (d.length === 8 && d.startsWith('080'));
    return ok ? el('a', { href: 'tel:' + d, class: 'fsc-tel' }, text) : text;
  };
  const richText = (text) => {
    const frag = document.createDocumentFragment();
    String(text).split('\n').forEach((line, i) => {
      if (i) frag.append(el('br'));
      let last = 0;
      for (const m of line.matchAll(TOKEN)) {
        frag.append(line.slice(last, m.index),
          m[4] ? phone(m[4]) : link(m[1] || m[3], m[2] || m[3]));
        last = m.index + m[0].length;
      }
      frag.append(line.slice(last));
    });
    return frag;
  };

  /* ---- building the widget ---- */
  const uid = 'fsc' + Math.random().toString(36).slice(2, 8);
  const status = el('div', { class: 'fsc-sr', role: 'status' });
  const announce = (text) => { status.textContent = text; };

  const button = (cls, label, onclick, extra) =>
    el('button', Object.assign({ type: 'button', class: cls, onclick }, extra), ...[].concat(label));

  const leaveButton = (cls) => button('fsc-leave ' + cls, 'Leave now', leave,
    { 'aria-describedby': uid + '-leavehint' });

  // The conversation scrolls by itself; tabindex lets keyboard users scroll it too.
  const log = el('div', {
    class: 'fsc-log', role: 'log', 'aria-live': 'polite', 'aria-label': 'Conversation', tabindex: '0',
  });
  const dots = el('div', { class: 'fsc-typing', hidden: true, 'aria-hidden': 'true' },
    el('span'), el('span'), el('span'));
  const input = el('input', {
    id: uid + '-input', class: 'fsc-input', type: 'text', autocomplete: 'off', maxlength: '500',
    enterkeyhint: 'send', spellcheck: 'true', autocapitalize: 'sentences',
  });
  const form = el('form', { class: 'fsc-form', onsubmit: onSubmit },
    el('label', { for: uid + '-input', class: 'fsc-label', text: 'Type your message' }),
    el('div', { class: 'fsc-row' }, input, el('button', { type: 'submit', class: 'fsc-send' }, 'Send')));

  const smaller = button('fsc-size-btn', [el('span', { 'aria-hidden': 'true', text: 'A-' }), sr('Smaller text')],
    () => setSize(size - 1));
  const bigger = button('fsc-size-btn', [el('span', { 'aria-hidden': 'true', text: 'A+' }), sr('Bigger text')],
    () => setSize(size + 1));

  const exitName = new URL(EXIT).hostname === 'www.bbc.co.uk' ? 'the BBC Weather website' : 'another website';
  const tracks = el('details', { class: 'fsc-tracks' },
    el('summary', { text: 'Covering your tracks' }),
    el('ul', {},
      el('li', { text: 'This chat is not saved on this phone or computer. It is gone when you close this tab.' }),
      el('li', { text: 'Your browser history may still show this website. You can delete it in your browser settings, under History.' }),
      el('li', { text: 'Private browsing (also called Incognito) does not keep any history. You could use it next time.' }),
      el('li', { text: 'If you call a number from this phone, it will show in the list of calls.' }),
      el('li', { id: uid + '-leavehint', text: 'To leave fast, press Leave now, or press the Shift key 3 times. This opens ' + exitName + '.' })),
    button('fsc-clear', 'Clear this chat', clearChat));

  const heading = el(PAGE ? 'h1' : 'h2', { id: uid + '-title', class: 'fsc-title', text: TITLE });
  const closeBtn = PAGE ? null : button('fsc-close', [el('span', { 'aria-hidden': 'true', text: '×' }), sr('Close chat')], close);
  const panel = el('div', { id: uid + '-panel', class: 'fsc-panel', role: 'region', 'aria-labelledby': uid + '-title', hidden: !PAGE },
    el('div', { class: 'fsc-head' }, heading, leaveButton('fsc-leave-head'), closeBtn),
    el('p', { class: 'fsc-danger' }, 'If you are in danger, call ', el('a', { href: 'tel:999', class: 'fsc-tel' }, '999'), '.'),
    el('div', { class: 'fsc-tools' }, tracks,
      el('div', { class: 'fsc-size', role: 'group', 'aria-label': 'Text size' }, smaller, bigger)),
    log, dots, form);

  const launcher = PAGE ? null : button('fsc-launcher', 'Open chat', open,
    { 'aria-expanded': 'false', 'aria-controls': uid + '-panel' });
  const fixedLeave = PAGE || ds.leaveButton === 'off' ? null : leaveButton('fsc-leave-fixed');
  const root = el(PAGE ? 'div' : 'aside', { class: 'fsc ' + (PAGE ? 'fsc-page' : 'fsc-float'), 'aria-label': PAGE ? null : TITLE },
    fixedLeave, launcher, panel, status);

  /* ---- text size (sessionStorage only) ---- */
  const saved = store.get('size');
  let size = saved === null ? 1 : Number(saved);
  if (!Number.isInteger(size) || !SIZES[size]) size = 1;
  function setSize(i, quiet) {
    size = Math.max(0, Math.min(SIZES.length - 1, i));
    root.style.setProperty('--fsc-scale', String(SIZES[size]));
    smaller.setAttribute('aria-disabled', String(size === 0));
    bigger.setAttribute('aria-disabled', String(size === SIZES.length - 1));
    if (!quiet) {
      store.set('size', String(size));
      announce('Text size ' + (size + 1) + ' of ' + SIZES.length);
    }
  }

  /* ---- messages ---- */
  const wait = (ms) => new Promise((r) => setTimeout(r, ms));
  // Messages waiting to be sent stay at the end of the conversation, below the reply
  // that is still appearing.
  const add = (n) => { log.insertBefore(n, log.querySelector('.fsc-waiting')); return n; };
  const bubble = (who, content, extra) => add(el('div',
    { class: 'fsc-msg fsc-' + who + (extra ? ' ' + extra : '') },
    sr(who === 'user' ? 'You said: ' : 'Assistant: '), content));
  const choices = (items) => {
    const g = el('div', { class: 'fsc-choices', role: 'group', 'aria-label': 'Choices' });
    // A pressed group goes at once, so a button cannot be pressed twice while a reply appears.
    items.forEach((b) => g.append(button('fsc-choice', b.title, (e) => { g.remove(); b.onclick(e); })));
    return add(g);
  };
  const waitingBubble = (text) => log.appendChild(el('div', { class: 'fsc-msg fsc-user fsc-waiting' },
    sr('You said: '), text, el('span', { class: 'fsc-note' }, sr('. '), 'Waiting to send')));
  const markSent = (n) => { n.classList.remove('fsc-waiting'); n.querySelector('.fsc-note').remove(); };
  // Empty the conversation, but keep messages that are still waiting to be sent.
  const clearLog = () => log.replaceChildren(...log.querySelectorAll('.fsc-waiting'));
  function scrollToShow(nodes) {
    const first = nodes[0];
    const last = nodes[nodes.length - 1];
    if (!first) return;
    // Show the newest message, but never scroll the start of this reply out of view.
    const top = first.offsetTop - 8;
    const bottom = last.offsetTop + last.offsetHeight + 8 - log.clientHeight;
    log.scrollTo({ top: Math.max(0, Math.min(top, bottom)), behavior: reduceMotion.matches ? 'auto' : 'smooth' });
  }

  let busy = false;
  function typing(on) {
    dots.hidden = !on;
    announce(on ? 'The assistant is writing.' : '');
  }

  async function post(message) {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), 30000);
    try {
      const res = await fetch(RASA + '/webhooks/rest/webhook', {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ sender: sid, message }),
        credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer', signal: ctl.signal,
      });
      if (!res.ok) return null;
      const data = await res.json();
      return Array.isArray(data) ? data : null;
    } catch (e) {
      return null; // shown as a kind message, never as an error
    } finally {
      clearTimeout(timer);
    }
  }

  async function render(replies) {
    // The server may ask the widget to wipe the chat (after "forget this conversation").
    const wipe = replies.some((r) => r && r.custom && r.custom.clear_chat);
    if (wipe) clearLog();
    const added = [];
    for (const r of replies) {
      if (!r || typeof r !== 'object') continue;
      if (added.length && !reduceMotion.matches) { typing(true); await wait(500); typing(false); }
      if (typeof r.text === 'string' && r.text) added.push(bubble('bot', richText(r.text)));
      const img = typeof r.image === 'string' && httpUrl(r.image);
      if (img) added.push(bubble('bot', link('Open the picture', img.href)));
      if (Array.isArray(r.buttons)) {
        const items = r.buttons.filter((b) => b && b.title).map((b) => {
          const title = String(b.title);
          const payload = String(b.payload || b.title);
          return { title, onclick: (e) => { focusAfterChoice(e); send(payload, title); } };
        });
        if (items.length) added.push(choices(items));
      }
      scrollToShow(added);
    }
    if (wipe) newSid();
  }

  function failed(message) {
    const n = bubble('bot', richText(ERROR_TEXT), 'fsc-error');
    const g = choices([{ title: 'Try again', onclick: (e) => { focusAfterChoice(e); send(message, null); } }]);
    scrollToShow([n, g]);
  }

  // Messages go one at a time: one sent while a reply is still appearing waits (shown
  // at once, marked "Waiting to send") and goes when that reply has finished.
  const queue = [];
  function send(message, shown) {
    return new Promise((done) => {
      const waiting = (busy || queue.length) && shown ? waitingBubble(shown) : null;
      if (waiting) {
        scrollToShow([waiting]);
        announce('Your message will be sent when this reply has finished.');
      }
      queue.push({ message, shown, waiting, done });
      if (!busy) sendNext();
    });
  }

  async function sendNext() {
    if (busy || !queue.length) return;
    const item = queue.shift();
    busy = true;
    log.querySelectorAll('.fsc-choices').forEach((g) => g.remove());
    if (item.waiting) markSent(item.waiting);
    else if (item.shown) scrollToShow([bubble('user', item.shown)]);
    typing(true);
    const replies = await post(item.message);
    typing(false);
    if (replies) await render(replies); else failed(item.message);
    busy = false;
    item.done();
    setTimeout(sendNext, 0); // after whoever awaited this message has carried on
  }

  // Old choice buttons disappear once one is used, so move focus somewhere sensible:
  // the text box, except after a tap on a touch screen (it would pop up the keyboard).
  function focusAfterChoice(e) {
    if (e && e.detail > 0 && coarse.matches) log.focus({ preventScroll: true });
    else input.focus();
  }

  function onSubmit(e) {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    send(text, text);
    input.focus();
  }

  async function clearChat() {
    if (busy) return;
    clearLog();
    await send('/forget_conversation', null);
    newSid();
    input.focus();
  }

  /* ---- open / close (launcher mode) ---- */
  let greeted = false;
  function open() {
    panel.hidden = false;
    launcher.setAttribute('aria-expanded', 'true');
    launcher.hidden = true;
    if (fixedLeave) fixedLeave.hidden = true;
    input.focus();
    greet();
  }
  function close() {
    panel.hidden = true;
    launcher.setAttribute('aria-expanded', 'false');
    launcher.hidden = false;
    if (fixedLeave) fixedLeave.hidden = false;
    launcher.focus();
  }
  function greet() {
    if (greeted) return;
    greeted = true;
    send(ds.greet || '/greet', null);
  }

  /* ---- leaving fast ---- */
  function leave() {
    store.clear();
    root.remove();
    document.title = '';
    if (document.body) document.body.replaceChildren();
    location.replace(EXIT); // replace: the Back button does not come back here
  }
  // Shift pressed and released 3 times, each within 1 second of the last, with no other
  // key between (counted on release, so Shift+letter for a capital never counts).
  let shifts = 0;
  let shiftAlone = false;
  let shiftTimer = 0;
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Shift') { if (!e.repeat) shiftAlone = true; return; }
    shiftAlone = false;
    shifts = 0;
  }, true);
  document.addEventListener('keyup', (e) => {
    if (e.key !== 'Shift' || !shiftAlone) return;
    shiftAlone = false;
    clearTimeout(shiftTimer);
    shifts += 1;
    if (shifts >= 3) { leave(); return; }
    if (shifts === 2) announce('Press Shift 1 more time to leave this page.');
    shiftTimer = setTimeout(() => { shifts = 0; }, 1000);
  }, true);

  /* ---- start ---- */
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !PAGE) { e.preventDefault(); close(); }
  });
  setSize(size, true);
  const mount = () => {
    const host = PAGE && ds.mount ? document.querySelector(ds.mount) : null;
    (host || document.body).append(root);
    if (PAGE) greet();
  };
  if (document.body) mount(); else document.addEventListener('DOMContentLoaded', mount);
})();
