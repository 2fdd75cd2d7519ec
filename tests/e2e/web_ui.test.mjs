// The web chat UI served by `vela serve`, in headless Chromium (Debian's /usr/bin/chromium driven by
// playwright-core; no browser is downloaded). The page lists the model, a sent message streams its
// reply in several visible updates, the reply equals the same request made through the API, the
// stats line shows tokens/s, the stop button ends a long reply, and a screenshot is saved.
// Skips only when /usr/bin/chromium is not installed (scripts/setup.sh installs it).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { metric, startServer } from './lib/harness.mjs';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const outDir = path.join(process.env.VELA_TEST_DATA ?? tmpdir(), 'e2e-output', 'web_ui');

let server;
let browser;

before(async () => {
  if (!haveChromium) return;
  server = await startServer({ ui: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox',
    '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
});
after(async () => {
  await browser?.close();
  if (server) assert.equal((await server.stop()).code, 0);
});

test('the chat UI streams a reply, shows tokens/s, stops on demand, and is screenshotted',
  { skip: haveChromium ? false : `${CHROMIUM} is not installed (scripts/setup.sh installs Debian's chromium)` },
  async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(server.base + '/');
    await page.waitForFunction((id) => [...document.querySelectorAll('#model option')].some((o) => o.value === id),
      server.id);
    assert.equal(await page.inputValue('#model'), server.id);

    // Greedy and short, so the reply can be compared with the API's.
    await page.click('#settings summary');
    await page.fill('#temperature', '0');
    await page.fill('#max-tokens', '16');
    // Record every text the reply's content shows while it streams (each mutation record, so updates
    // that land between two observer callbacks are not merged).
    await page.evaluate(() => {
      window.__updates = [];
      new MutationObserver((records) => {
        for (const r of records) {
          const target = r.target.nodeType === Node.TEXT_NODE ? r.target.parentNode : r.target;
          if (!target?.matches?.('.message.assistant .content')) continue;
          for (const added of r.addedNodes) if (added.nodeType === Node.TEXT_NODE) window.__updates.push(added.data);
          if (r.type === 'characterData') window.__updates.push(r.target.data);
        }
      }).observe(document.getElementById('messages'), { subtree: true, childList: true, characterData: true });
    });
    const question = 'Hello there, who are you?';
    await page.fill('#input', question);
    await page.press('#input', 'Enter');
    await page.waitForFunction(() =>
      /tokens\/s/.test(document.querySelector('.message.assistant .stats')?.textContent ?? ''));
    const reply = await page.textContent('.message.assistant .content');
    const stats = await page.textContent('.message.assistant .stats');
    const updates = await page.evaluate(() => window.__updates.filter((t, i, all) => t !== '' && t !== all[i - 1]));

    const api = await server.client().chat.completions.create({ model: server.id, temperature: 0, max_tokens: 16,
      messages: [{ role: 'user', content: question }], chat_template_kwargs: { enable_thinking: true } });
    assert.equal(reply, api.choices[0].message.content, 'the UI shows what the API returns');
    assert.ok(updates.length >= 3, `the reply appeared in ${updates.length} steps: streamed, not at once`);
    for (let i = 1; i < updates.length; i++) assert.ok(updates[i].startsWith(updates[i - 1]), 'text only grows');
    assert.match(stats, /^16 tokens · [0-9.]+ tokens\/s · first token after \d+ ms · length$/);
    assert.ok(await page.isVisible('text=' + question));

    mkdirSync(outDir, { recursive: true });
    const shot = path.join(outDir, 'chat.png');
    await page.screenshot({ path: shot, fullPage: true });
    assert.ok(statSync(shot).size > 1000, 'screenshot written');

    // A long reply is stopped with the stop button.
    await page.fill('#max-tokens', '1500');
    await page.fill('#temperature', '1');
    await page.fill('#input', 'Now write a very long essay.');
    await page.press('#input', 'Enter');
    await page.waitForSelector('#stop:not([hidden])');
    await page.waitForFunction(() =>
      (document.querySelectorAll('.message.assistant .content')[1]?.textContent ?? '').length > 0);
    await page.click('#stop');
    await page.waitForFunction(() =>
      document.querySelectorAll('.message.assistant .stats')[1]?.textContent === 'stopped');
    assert.ok(await page.isHidden('#stop'));
    // Stopping aborted the fetch, which cancelled the generation on the server.
    for (let i = 0; i < 600 && (await metric(server, 'vela:num_requests_running')) !== 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(await metric(server, 'vela:num_requests_running'), 0);
    assert.ok((await metric(server, 'vela:generation_tokens_total')) < 16 * 2 + 1000, 'the long reply was cut short');
    assert.ok(await page.isEnabled('#send'));
    await page.screenshot({ path: path.join(outDir, 'stopped.png'), fullPage: true });
    assert.deepEqual(errors, [], 'no script errors on the page');
    console.log(`screenshots in ${outDir}`);
  });
