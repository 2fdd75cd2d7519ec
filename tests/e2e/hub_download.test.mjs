// `vela serve --m org/name` downloads from a Hugging Face hub: here a local node HTTP server with the
// hub's URL layout (`/<org>/<name>/resolve/<revision>/<file>`, `/api/models/<org>/<name>`), named by
// HF_ENDPOINT, that demands HF_TOKEN as a bearer token. Large files are redirected to a second
// server (as the hub sends them to its CDN), which must not receive the token. Checked: a GGUF repo
// with --f, a sharded safetensors folder, the cache (a second start downloads nothing), and a clear
// failure without a token and for a missing repository.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runVela, startServer } from './lib/harness.mjs';

const TOKEN = 'hf_test_token_123';
const work = mkdtempSync(path.join(tmpdir(), 'vela-hub-'));
const repos = {};        // "org/name" -> local folder with the repository's files
const hubLog = [];       // { method, url, auth } of every request the hub got
const cdnLog = [];       // same for the CDN
let hub;
let cdn;
let hubUrl;
let released = false;  // test-org/slow-gguf's downloads are held until this is set
const held = [];       // responses waiting for the release
let cdnUrl;

function listen(handler) {
  const server = http.createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function sendFile(res, file) {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': statSync(file).size });
  createReadStream(file).pipe(res);
}

before(async () => {
  const maker = process.env.VELA_MAKE_MODEL;
  assert.ok(maker, 'VELA_MAKE_MODEL must name vela-make-model');
  // A tiny model with a synthetic vocabulary: the download path is under test, not the numerics.
  const src = path.join(work, 'src');
  mkdirSync(path.join(src, 'gguf'), { recursive: true });
  execFileSync(maker, ['--family', 'qwen3', '--vocab', 'synth-bpe', '--hidden', '64', '--layers', '1',
    '--heads', '2', '--kv-heads', '1', '--ffn', '128', '--context', '256', '--seed', '7', '--name', 'hubtiny',
    '--gguf', path.join(src, 'gguf', 'hubtiny-q8_0.gguf:q8_0'), '--hf', path.join(src, 'hf:f32'),
    '--hf-shard-bytes', '200000']);
  repos['test-org/tiny-gguf'] = path.join(src, 'gguf');
  repos['test-org/slow-gguf'] = path.join(src, 'gguf');  // its weights wait for `release` (see below)
  repos['test-org/tiny-hf'] = path.join(src, 'hf');
  assert.ok(readdirSync(repos['test-org/tiny-hf']).filter((f) => f.endsWith('.safetensors')).length > 1,
    'the folder repository is sharded');

  cdn = await listen((req, res) => {
    cdnLog.push({ method: req.method, url: req.url, auth: req.headers.authorization });
    const m = /^\/cdn\/([^/]+\/[^/]+)\/(.+)$/.exec(req.url);
    const file = m && repos[m[1]] && path.join(repos[m[1]], decodeURIComponent(m[2]));
    if (!file) { res.writeHead(404).end(); return; }
    sendFile(res, file);
  });
  cdnUrl = `http://127.0.0.1:${cdn.address().port}`;
  hub = await listen((req, res) => {
    hubLog.push({ method: req.method, url: req.url, auth: req.headers.authorization });
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"Invalid credentials"}');
      return;
    }
    let m = /^\/api\/models\/([^/]+\/[^/?]+)/.exec(req.url);
    if (m) {
      const dir = repos[m[1]];
      if (!dir) { res.writeHead(404).end('{"error":"Repository not found"}'); return; }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: m[1], siblings: readdirSync(dir).map((f) => ({ rfilename: f })) }));
      return;
    }
    m = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(req.url);
    const dir = m && repos[m[1]];
    if (!dir || m[2] !== 'main') {
      res.writeHead(404, { 'x-error-code': 'RepoNotFound' }).end('Repository not found');
      return;
    }
    const name = decodeURIComponent(m[3]);
    if (!readdirSync(dir).includes(name)) {
      res.writeHead(404, { 'x-error-code': 'EntryNotFound' }).end('Entry not found');
      return;
    }
    if (m[1] === 'test-org/slow-gguf' && !released) {
      held.push(() => sendFile(res, path.join(dir, name)));
      return;
    }
    // Weights go through the "CDN", small files come straight from the hub.
    if (/\.(gguf|safetensors)$/.test(name)) {
      res.writeHead(302, { location: `${cdnUrl}/cdn/${m[1]}/${m[3]}` }).end();
      return;
    }
    sendFile(res, path.join(dir, name));
  });
  hubUrl = `http://127.0.0.1:${hub.address().port}`;
});

after(() => {
  hub?.close();
  cdn?.close();
  rmSync(work, { recursive: true, force: true });
});

const hubEnv = (extra = {}) => ({ HF_ENDPOINT: hubUrl, HF_TOKEN: TOKEN, HF_HOME: path.join(work, 'hf-home'), ...extra });

async function serveAndComplete(args, env, expectedId) {
  const server = await startServer({ model: null, args, env });
  try {
    const page = await server.client().models.list();
    assert.equal(page.data[0].id, expectedId);
    const r = await server.client().completions.create({ model: expectedId, prompt: 'hello', max_tokens: 3,
      temperature: 0 });
    assert.equal(r.usage.completion_tokens, 3);
    return server.log();
  } finally {
    const { code } = await server.stop();
    assert.equal(code, 0);
  }
}

test('--m org/name --f file.gguf downloads the GGUF with the token; the CDN never sees the token', async () => {
  hubLog.length = 0;
  cdnLog.length = 0;
  const log = await serveAndComplete(['--m', 'test-org/tiny-gguf', '--f', 'hubtiny-q8_0.gguf'], hubEnv(),
    'test-org/tiny-gguf');
  const gets = hubLog.filter((r) => r.url.includes('/resolve/'));
  assert.ok(gets.some((r) => r.url === '/test-org/tiny-gguf/resolve/main/hubtiny-q8_0.gguf'), JSON.stringify(hubLog));
  for (const r of hubLog) assert.equal(r.auth, `Bearer ${TOKEN}`, `hub request ${r.url} carries the token`);
  assert.ok(cdnLog.some((r) => r.url === '/cdn/test-org/tiny-gguf/hubtiny-q8_0.gguf'));
  for (const r of cdnLog) assert.equal(r.auth, undefined, `the CDN request ${r.url} carries no token`);
  // Progress: the final report of the file, 100% of its size.
  assert.match(log, /downloading test-org\/tiny-gguf\/hubtiny-q8_0\.gguf: .* \(100%\)/);
  const cached = path.join(work, 'hf-home', 'vela', 'models--test-org--tiny-gguf', 'main', 'hubtiny-q8_0.gguf');
  assert.equal(statSync(cached).size, statSync(path.join(repos['test-org/tiny-gguf'], 'hubtiny-q8_0.gguf')).size);

  // A second start finds the file in the cache and asks the hub nothing.
  hubLog.length = 0;
  cdnLog.length = 0;
  await serveAndComplete(['--m', 'test-org/tiny-gguf', '--f', 'hubtiny-q8_0.gguf'], hubEnv(), 'test-org/tiny-gguf');
  assert.deepEqual(hubLog, []);
  assert.deepEqual(cdnLog, []);
});

test('--m org/name downloads a sharded safetensors folder (config, tokenizer, index, every shard)', async () => {
  hubLog.length = 0;
  cdnLog.length = 0;
  await serveAndComplete(['--m', 'test-org/tiny-hf'], hubEnv(), 'test-org/tiny-hf');
  const fetched = new Set(hubLog.map((r) => r.url.replace('/test-org/tiny-hf/resolve/main/', '')));
  for (const f of readdirSync(repos['test-org/tiny-hf'])) assert.ok(fetched.has(f), `${f} was fetched: ${[...fetched]}`);
  const shards = readdirSync(repos['test-org/tiny-hf']).filter((f) => f.endsWith('.safetensors'));
  assert.equal(cdnLog.length, shards.length);
  for (const r of hubLog) assert.equal(r.auth, `Bearer ${TOKEN}`);
});

test('while the model downloads, /health is 503 and generation requests get 503 model_loading', async () => {
  const server = await startServer({ model: null, ready: false,
    args: ['--m', 'test-org/slow-gguf', '--f', 'hubtiny-q8_0.gguf'], env: hubEnv() });
  try {
    // The hub holds the file, so the model cannot finish loading before the release below.
    while (held.length === 0) await new Promise((r) => setTimeout(r, 20));
    const health = await server.fetch('/health');
    assert.equal(health.status, 503);
    assert.deepEqual(await health.json(), { error: { code: 503, message: 'Loading model', type: 'unavailable_error' } });
    assert.ok(Number(health.headers.get('retry-after')) >= 1);
    const chat = await server.post('/v1/chat/completions', { model: 'test-org/slow-gguf',
      messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(chat.status, 503);
    assert.equal(chat.body.error.code, 'model_loading');
    const models = await (await server.fetch('/v1/models')).json();
    assert.equal(models.data[0].id, 'test-org/slow-gguf');
    assert.equal(models.data[0].status, 'loading');
    released = true;
    for (const send of held.splice(0)) send();
    for (let i = 0; i < 1200 && (await server.fetch('/health')).status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal((await server.fetch('/health')).status, 200);
    const r = await server.client().completions.create({ model: 'test-org/slow-gguf', prompt: 'hi', max_tokens: 2 });
    assert.equal(r.usage.completion_tokens, 2);
  } finally {
    released = true;
    for (const send of held.splice(0)) send();
    assert.equal((await server.stop()).code, 0);
  }
});

test('the token file $HF_HOME/token is used when HF_TOKEN is unset', async () => {
  const home = path.join(work, 'token-file-home');
  mkdirSync(home, { recursive: true });
  writeFileSync(path.join(home, 'token'), `${TOKEN}\n`);
  hubLog.length = 0;
  await serveAndComplete(['--m', 'test-org/tiny-gguf', '--f', 'hubtiny-q8_0.gguf'],
    hubEnv({ HF_TOKEN: '', HF_HOME: home }), 'test-org/tiny-gguf');
  assert.ok(hubLog.length > 0);
  for (const r of hubLog) assert.equal(r.auth, `Bearer ${TOKEN}`);
});

test('without a token the hub refuses, and vela exits non-zero saying how to pass one', async () => {
  const r = await runVela(['serve', '--port', '0', '--host', '127.0.0.1', '--m', 'test-org/tiny-gguf',
    '--f', 'hubtiny-q8_0.gguf'], { env: hubEnv({ HF_TOKEN: '', HF_HOME: path.join(work, 'no-token-home') }) });
  assert.equal(r.signal, null, r.output);
  assert.notEqual(r.code, 0, r.output);
  const out = r.output;
  assert.match(out, /401|refused|denied|unauthori[sz]ed/i);
  assert.match(out, /HF_TOKEN|--hf-token/);
});

test('a repository the hub does not have is a clear error and a non-zero exit', async () => {
  const r = await runVela(['serve', '--port', '0', '--host', '127.0.0.1', '--m', 'test-org/missing',
    '--f', 'x.gguf'], { env: hubEnv() });
  assert.equal(r.signal, null, r.output);
  assert.notEqual(r.code, 0, r.output);
  assert.match(r.output, /test-org\/missing/);
});
