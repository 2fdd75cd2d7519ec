// Backward compatibility with candle-vllm (the seed's T073 and T074, SYSTEM-SPEC 2.2.2 and 3.1):
// `vela serve` started with candle-vllm's own flag spellings (--h, --p, --m, --block-size, --mem,
// --max-num-seqs, --queue-size, --request-timeout, --temperature, --log, ...) behaves as they say, and
// the response JSON keeps candle-vllm's fields. Every flag's parsed value is checked one by one in
// tests/unit/server/cli/serve_flags_test.cpp; here the flags' effects are observed from outside.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { metric, modelIdOf, runVela, startServer, testModel } from './lib/harness.mjs';

const work = mkdtempSync(path.join(tmpdir(), 'vela-candle-'));
let server;
let model;

before(async () => {
  const file = testModel();
  model = modelIdOf(file);
  server = await startServer({ model: file, cwd: work, rawArgs: ['--h', '127.0.0.1', '--p', '0', '--m', file,
    '--max-num-seqs', '2', '--queue-size', '1', '--request-timeout', '60', '--block-size', '32', '--mem', '16',
    '--prefill-chunk-size', '1024', '--dtype', 'bf16', '--temperature', '0', '--top-k', '-1', '--log',
    '--threads', '1', '--no-ui'] });
});
after(async () => {
  if (server) assert.equal((await server.stop()).code, 0);
  rmSync(work, { recursive: true, force: true });
});

const user = (content) => [{ role: 'user', content }];

test('--dtype bf16 (candle-vllm\'s default) serves a quantized GGUF as stored, with a notice', () => {
  assert.match(server.log(), /--dtype bf16: vela uses the weights as stored/);
  assert.match(server.log(), /ready: qwen3, q8_0,/);
});

test('--block-size and --mem size the KV cache', async () => {
  // The test model: 2 layers, 2 KV heads of 64 dimensions, an f16 cache: 2*2*2*64*2 = 1024 bytes per
  // token, 32 KiB per 32-token block, so 16 MiB hold 512 blocks.
  assert.equal(await metric(server, 'vela:kv_cache_blocks_total'), 512);
  assert.match(server.log(), /512 blocks of 32 tokens/);
});

test('--temperature 0 makes requests without a temperature greedy', async () => {
  const client = server.client();
  const ask = (extra) => client.chat.completions.create({ model, messages: user('Say anything.'), max_tokens: 8, ...extra });
  // One at a time: --max-num-seqs 2 --queue-size 1 admit three at once.
  const a = await ask({ seed: 1 });
  const b = await ask({ seed: 2 });
  const greedy = await ask({ temperature: 0 });
  const hot = await ask({ temperature: 1, seed: 3 });
  assert.equal(a.choices[0].message.content, greedy.choices[0].message.content);
  assert.equal(b.choices[0].message.content, greedy.choices[0].message.content);
  assert.notEqual(hot.choices[0].message.content, greedy.choices[0].message.content, "a request's own value wins");
});

test('--max-num-seqs 2 with --queue-size 1: the fourth concurrent request is refused with 503', async () => {
  const controllers = [];
  const start = async () => {
    const controller = new AbortController();
    controllers.push(controller);
    const res = await server.fetch('/v1/chat/completions', { method: 'POST', signal: controller.signal,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: user('Go on and on.'), max_tokens: 1000, temperature: 1, stream: true }) });
    return res;
  };
  // Two run, one waits; wait until the server reports exactly that, then send the fourth.
  const first = [start(), start(), start()];
  for (let i = 0; i < 1200; i++) {
    if ((await metric(server, 'vela:num_requests_admitted')) === 2 && (await metric(server, 'vela:num_requests_waiting')) === 1) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.equal(await metric(server, 'vela:num_requests_waiting'), 1);
  const fourth = await server.post('/v1/chat/completions', { model, messages: user('me too'), max_tokens: 2 });
  assert.equal(fourth.status, 503);
  assert.equal(fourth.body.error.code, 'queue_full');
  assert.ok(Number(fourth.headers.get('retry-after')) >= 1);
  for (const c of controllers) c.abort();
  await Promise.allSettled(first);
  for (let i = 0; i < 1200 && (await metric(server, 'vela:num_requests_admitted')) !== 0; i++) {
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.equal(await metric(server, 'vela:num_requests_admitted'), 0);
});

test('a queued request whose client leaves is removed from the queue', async () => {
  const rejected = async () => (await metric(server, 'vela:requests_rejected_total', { reason: 'client_gone' })) ?? 0;
  const rejectedBefore = await rejected();
  const controllers = [];
  const start = () => {
    const controller = new AbortController();
    controllers.push(controller);
    return server.fetch('/v1/chat/completions', { method: 'POST', signal: controller.signal,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: user('Go on.'), max_tokens: 1000, temperature: 1, stream: true }) })
      .catch(() => null);
  };
  const running = [start(), start()];
  for (let i = 0; i < 1200 && (await metric(server, 'vela:num_requests_admitted')) !== 2; i++) {
    await new Promise((r) => setTimeout(r, 25));
  }
  const queued = start();
  for (let i = 0; i < 1200 && (await metric(server, 'vela:num_requests_waiting')) !== 1; i++) {
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.equal(await metric(server, 'vela:num_requests_waiting'), 1);
  controllers[2].abort();
  await queued;
  for (let i = 0; i < 1200 && (await metric(server, 'vela:num_requests_waiting')) !== 0; i++) {
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.equal(await metric(server, 'vela:num_requests_waiting'), 0);
  assert.equal(await metric(server, 'vela:num_requests_admitted'), 2, 'the running requests go on');
  for (let i = 0; i < 1200 && (await rejected()) !== rejectedBefore + 1; i++) await new Promise((r) => setTimeout(r, 25));
  assert.equal(await rejected(), rejectedBefore + 1);
  controllers[0].abort();
  controllers[1].abort();
  await Promise.all(running);
  for (let i = 0; i < 1200 && (await metric(server, 'vela:num_requests_admitted')) !== 0; i++) {
    await new Promise((r) => setTimeout(r, 25));
  }
});

test('X-Conversation-Id and X-Resource-Id headers fill conversation_id and resource_id', async () => {
  const headers = { 'X-Conversation-Id': 'conv-42', 'X-Resource-Id': 'res-7' };
  const r = await server.post('/v1/chat/completions', { model, messages: user('hi'), max_tokens: 1 }, headers);
  assert.equal(r.body.conversation_id, 'conv-42');
  assert.equal(r.body.resource_id, 'res-7');
  const own = await server.post('/v1/chat/completions', { model, messages: user('hi'), max_tokens: 1,
    conversation_id: 'from-body' }, headers);
  assert.equal(own.body.conversation_id, 'from-body', "the body's own value wins");
  const res = await server.fetch('/v1/chat/completions', { method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model, messages: user('hi'), max_tokens: 3, stream: true }) });
  const chunks = (await res.text()).split('\n\n').filter((e) => e.startsWith('data: {')).map((e) => JSON.parse(e.slice(6)));
  assert.equal(chunks[0].conversation_id, 'conv-42', 'the first chunk carries it');
  for (const c of chunks.slice(1)) assert.equal(c.conversation_id, undefined, 'only the first chunk');
});

test('--log also writes the log to ./vela.log', () => {
  const file = path.join(work, 'vela.log');
  assert.ok(existsSync(file), 'vela.log in the working folder');
  assert.match(readFileSync(file, 'utf8'), /listening on 127\.0\.0\.1:\d+/);
});

test("chat responses and chunks keep candle-vllm's fields", async () => {
  const r = await server.post('/v1/chat/completions', { model, messages: user('hi'), max_tokens: 2 });
  assert.equal(r.status, 200);
  const body = r.body;
  for (const k of ['id', 'object', 'created', 'model', 'choices', 'usage', 'system_fingerprint']) assert.ok(k in body, k);
  assert.match(body.system_fingerprint, /^fp_[0-9a-f]{16}$/);
  const choice = body.choices[0];
  for (const k of ['index', 'message', 'finish_reason', 'logprobs']) assert.ok(k in choice, k);
  const u = body.usage;
  for (const k of ['request_id', 'created', 'completion_tokens', 'prompt_tokens', 'total_tokens',
    'prompt_time_costs', 'completion_time_costs']) assert.ok(k in u, `usage.${k}`);
  assert.equal(typeof u.prompt_tokens_details.cached_tokens, 'number');
  assert.equal(u.request_id, body.id);

  const res = await server.fetch('/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: user('hi'), max_tokens: 2, stream: true }) });
  assert.match(res.headers.get('content-type'), /^text\/event-stream/);
  const events = (await res.text()).split('\n\n').filter((e) => e.startsWith('data: '));
  assert.equal(events.at(-1), 'data: [DONE]');
  const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice(6)));
  for (const c of chunks) {
    assert.ok('system_fingerprint' in c, 'system_fingerprint is serialized in every chunk');
    assert.equal(c.object, 'chat.completion.chunk');
    for (const ch of c.choices) assert.ok('finish_reason' in ch && 'delta' in ch && 'index' in ch);
  }
});

test("GET /v1/models keeps candle-vllm's permission list and default markers", async () => {
  const res = await server.fetch('/v1/models');
  const body = await res.json();
  assert.equal(body.object, 'list');
  assert.equal(body.default, model);
  assert.deepEqual(body.data[0].permission, []);
  assert.equal(body.data[0].default, true);
});

test('models.yaml (CANDLE_VLLM_MODELS_CONFIG) picks the default_model entry and serves it under its name', async () => {
  const file = testModel();
  const yaml = path.join(work, 'models.yaml');
  writeFileSync(yaml, [
    'models:',
    '  - name: remote-one',
    '    hf_id: some-org/some-model',
    '  - name: local-demo',
    `    local_path: ${JSON.stringify(path.dirname(file))}`,
    `    weight_file: ${JSON.stringify(path.basename(file))}`,
    '    params:',
    '      temperature: 0.5',
    'default_model: local-demo',
    ''].join('\n'));
  const mcp = path.join(work, 'mcp.json');
  writeFileSync(mcp, JSON.stringify({ servers: [{ name: 'files', command: 'mcp-server-filesystem' }] }));
  const s = await startServer({ model: null, args: ['--mcp-config', mcp], env: { CANDLE_VLLM_MODELS_CONFIG: yaml } });
  try {
    const page = await s.client().models.list();
    assert.deepEqual(page.data.map((m) => m.id), ['local-demo']);
    const r = await s.client().chat.completions.create({ model: 'local-demo', messages: user('hi'), max_tokens: 2 });
    assert.equal(r.usage.completion_tokens, 2);
    assert.match(s.log(), /serving entry 'local-demo'/);
    assert.match(s.log(), /params \(temperature\)/, 'the entry params it does not apply are named');
    assert.match(s.log(), /--mcp-config .* names 1 MCP server\(s\) \(files\)/);
  } finally {
    assert.equal((await s.stop()).code, 0);
  }
});

test('a broken models.yaml or mcp.json stops the start with the file named and a non-zero exit', async () => {
  const yaml = path.join(work, 'broken.yaml');
  writeFileSync(yaml, 'models:\n  - name: a\n');
  let r = await runVela(['serve', '--port', '0', '--host', '127.0.0.1', '--models-config', yaml, '--m', 'a']);
  assert.notEqual(r.code, 0);
  assert.match(r.output, /broken\.yaml: model "a" needs "hf_id" or "local_path"/);
  const noDefault = path.join(work, 'no-default.yaml');
  writeFileSync(noDefault, 'models:\n  - name: a\n    hf_id: org/a\n  - name: b\n    hf_id: org/b\n');
  r = await runVela(['serve', '--port', '0', '--host', '127.0.0.1', '--models-config', noDefault]);
  assert.notEqual(r.code, 0);
  assert.match(r.output, /no-default\.yaml: no model selected; pass --m NAME with one of its entries \(a, b\)/);
  const mcp = path.join(work, 'broken.json');
  writeFileSync(mcp, '{"servers": [{"name": "x"}]}');
  r = await runVela(['serve', '--port', '0', '--host', '127.0.0.1', '--mcp-config', mcp, '--m', testModel()]);
  assert.notEqual(r.code, 0);
  assert.match(r.output, /broken\.json: MCP server "x" needs a "url" or a "command"/);
});

test('candle-vllm model flag forms: --w DIR --f FILE, --f PATH; --served-model-name and --max-model-len', async () => {
  const file = testModel();
  const forms = [
    [['--w', path.dirname(file), '--f', path.basename(file)], modelIdOf(file), 2048],
    [['--f', file], modelIdOf(file), 2048],
    [['--m', file, '--served-model-name', 'nice-name', '--max-model-len', '512'], 'nice-name', 512],
  ];
  for (const [flags, id, maxLen] of forms) {
    const s = await startServer({ model: null, rawArgs: ['--h', '127.0.0.1', '--p', '0', '--no-ui', '--threads', '1', ...flags] });
    try {
      const list = await (await s.fetch('/v1/models')).json();
      assert.deepEqual(list.data.map((m) => [m.id, m.max_model_len]), [[id, maxLen]], flags.join(' '));
      const r = await s.post('/v1/chat/completions', { model: id, messages: user('word '.repeat(600)), max_tokens: 2 });
      assert.equal(r.status, maxLen === 512 ? 400 : 200, flags.join(' '));
      if (maxLen === 512) assert.match(r.body.error.message, /maximum context length is 512 tokens/);
    } finally {
      assert.equal((await s.stop()).code, 0);
    }
  }
});
