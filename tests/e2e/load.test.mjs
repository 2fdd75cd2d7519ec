// `vela serve` under load and disconnects: 64 concurrent streaming clients (more than --max-num-seqs,
// so some wait in the queue) all complete, each with exactly the text the same prompt gives when run
// alone and greedy; a client that aborts mid-stream gets its generation cancelled and its KV blocks
// freed (the KV block gauge in /metrics returns to its value before the request).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { metric, startServer } from './lib/harness.mjs';

const N_CLIENTS = 64;
const MAX_TOKENS = 6;

let server;
let client;
let model;

before(async () => {
  server = await startServer({ args: ['--max-num-seqs', '16', '--queue-size', String(N_CLIENTS)], threads: 2 });
  client = server.client();
  model = server.id;
});
after(async () => {
  const { code } = await server.stop();
  assert.equal(code, 0, server.log().slice(-2000));
});

const prompt = (i) => [{ role: 'user', content: `Request number ${i}: say something about ${i * 7919 % 1000}.` }];

test(`${N_CLIENTS} concurrent streams all complete and equal the sequential greedy runs`, async () => {
  const sequential = [];
  for (let i = 0; i < N_CLIENTS; i++) {
    const r = await client.chat.completions.create({ model, messages: prompt(i), max_tokens: MAX_TOKENS,
      temperature: 0 });
    assert.equal(r.usage.completion_tokens, MAX_TOKENS);
    sequential.push(r.choices[0].message.content);
  }
  assert.ok(new Set(sequential).size > 1, 'different prompts give different outputs');

  const runStream = async (i) => {
    const stream = await client.chat.completions.create({ model, messages: prompt(i), max_tokens: MAX_TOKENS,
      temperature: 0, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let finish = null;
    let usage = null;
    for await (const chunk of stream) {
      for (const c of chunk.choices) {
        text += c.delta?.content ?? '';
        if (c.finish_reason) finish = c.finish_reason;
      }
      if (chunk.usage) usage = chunk.usage;
    }
    return { text, finish, usage };
  };
  const results = await Promise.all(Array.from({ length: N_CLIENTS }, (_, i) => runStream(i)));
  let mismatches = [];
  results.forEach((r, i) => {
    assert.equal(r.finish, 'length', `client ${i}`);
    assert.equal(r.usage?.completion_tokens, MAX_TOKENS, `client ${i}`);
    if (r.text !== sequential[i]) mismatches.push({ i, concurrent: r.text, sequential: sequential[i] });
  });
  assert.deepEqual(mismatches, [], 'concurrent greedy outputs equal the sequential ones');
  assert.equal(await metric(server, 'vela:num_requests_running'), 0);
  assert.equal(await metric(server, 'vela:num_requests_waiting'), 0);
});

async function waitFor(what, predicate) {
  // Polls until the condition holds; the engine frees blocks at its next step, so this is short, but
  // the limit is generous for a loaded CI machine.
  for (let i = 0; i < 600; i++) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}

for (const api of ['chat', 'completions']) {
  test(`a client that disconnects mid-stream (${api}) frees its KV blocks`, async () => {
    await waitFor('an idle engine', async () => (await metric(server, 'vela:num_requests_running')) === 0);
    const baseline = await metric(server, 'vela:kv_cache_blocks_used');
    assert.equal(typeof baseline, 'number');
    const aborted = async () => (await metric(server, 'vela:request_success_total', { finished_reason: 'abort' })) ?? 0;
    const abortedBefore = await aborted();
    const generatedBefore = await metric(server, 'vela:generation_tokens_total');
    const controller = new AbortController();
    const long = 'Tell me everything about the ocean. '.repeat(40);
    const body = api === 'chat'
      ? { model, messages: [{ role: 'user', content: long }], max_tokens: 1500, temperature: 1, stream: true }
      : { model, prompt: long, max_tokens: 1500, temperature: 1, stream: true };
    const res = await server.fetch(`/v1/${api === 'chat' ? 'chat/completions' : 'completions'}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
      signal: controller.signal });
    assert.equal(res.status, 200);
    const reader = res.body.getReader();
    let events = 0;
    let buffered = '';
    while (events < 3) {
      const { value, done } = await reader.read();
      assert.ok(!done, 'the stream must not end before the client leaves');
      buffered += Buffer.from(value).toString('utf8');
      events = (buffered.match(/^data: \{/gm) ?? []).length;
    }
    // While it streams, the request holds blocks for its ~360-token prompt.
    const during = await metric(server, 'vela:kv_cache_blocks_used');
    assert.ok(during > baseline, `blocks in use while streaming (${during}) exceed the baseline (${baseline})`);
    assert.equal(await metric(server, 'vela:num_requests_running'), 1);
    controller.abort();
    await waitFor('the KV blocks to return to the baseline', async () =>
      (await metric(server, 'vela:kv_cache_blocks_used')) === baseline &&
      (await metric(server, 'vela:num_requests_running')) === 0);
    await waitFor('the request to be counted as aborted', async () => (await aborted()) === abortedBefore + 1);
    // Cancelled, not run to its end: far fewer than max_tokens were generated.
    const generated = (await metric(server, 'vela:generation_tokens_total')) - generatedBefore;
    assert.ok(generated >= 3 && generated < 1000, `generated ${generated} tokens of 1500 before the cancel took effect`);
  });
}

for (const api of ['chat', 'completions']) {
  test(`a client that disconnects during a non-streamed request (${api}) cancels it too`, async () => {
    await waitFor('an idle engine', async () => (await metric(server, 'vela:num_requests_running')) === 0);
    const baseline = await metric(server, 'vela:kv_cache_blocks_used');
    const generatedBefore = await metric(server, 'vela:generation_tokens_total');
    const controller = new AbortController();
    const body = api === 'chat' ? { model, messages: prompt(1), max_tokens: 1500, temperature: 1 }
      : { model, prompt: 'Once upon a time', max_tokens: 1500, temperature: 1 };
    const pending = server.fetch(`/v1/${api === 'chat' ? 'chat/completions' : 'completions'}`, { method: 'POST',
      signal: controller.signal, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      .catch((e) => e);
    await waitFor('the request to run', async () =>
      (await metric(server, 'vela:num_requests_running')) === 1 &&
      (await metric(server, 'vela:generation_tokens_total')) > generatedBefore);
    controller.abort();
    assert.equal((await pending).name, 'AbortError');
    await waitFor('the KV blocks to return to the baseline', async () =>
      (await metric(server, 'vela:kv_cache_blocks_used')) === baseline &&
      (await metric(server, 'vela:num_requests_running')) === 0);
    const generated = (await metric(server, 'vela:generation_tokens_total')) - generatedBefore;
    assert.ok(generated < 1000, `generated ${generated} tokens of 1500 before the cancel took effect`);
  });
}
