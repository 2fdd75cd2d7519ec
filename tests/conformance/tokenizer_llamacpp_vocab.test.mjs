// vela's GGUF tokenizers against llama.cpp on the ggml-vocab-*.gguf files of the llama.cpp source that
// node-llama-cpp ships:
//   1. llama.cpp's own test vectors: each file's .inp (inputs separated by a "__ggml_vocab_test__" line)
//      and .out (one line of expected ids per input). llama.cpp's test runs them with add_special = false
//      and parse_special = false; none of the inputs spells a special token, so `vela tokenize` without
//      --add-special reproduces those options. Every case must match exactly.
//   2. llama.cpp itself (node-llama-cpp, vocabOnly) on vela's corpus of awkward text, special tokens in
//      the text recognized (`model.tokenize(text, true)`), with and without BOS.
import assert from "node:assert/strict";
import {readFileSync} from "node:fs";
import path from "node:path";
import {after, test} from "node:test";
import {getLlama} from "node-llama-cpp";

import {llamaCppSourceDir} from "./lib/llamacpp_source.mjs";
import {corpus, jsRegexDivergences} from "./lib/tokenizer_corpus.mjs";
import {velaRun, velaTokenize} from "./lib/vela_tokenizer_cli.mjs";

// Every vocabulary with test vectors whose tokenizer vela implements.
const kVocabs = [
    "llama-bpe", "llama-spm", "qwen2", "gpt-2", "phi-3", "qwen35", "deepseek-llm", "deepseek-coder",
    "falcon", "starcoder", "refact", "command-r", "mpt", "gemma-4",
];

// Vocabularies with test vectors whose tokenizer model vela does not implement: loading must fail
// with an error naming the model type.
const kUnsupported = [
    ["bert-bge", "bert"],
];

function readCases(modelsDir, vocab) {
    const base = path.join(modelsDir, `ggml-vocab-${vocab}.gguf`);
    const raw = readFileSync(`${base}.inp`, "utf8");
    const separator = "\n__ggml_vocab_test__\n";
    const inputs = [];
    for (let pos = 0; pos < raw.length;) {
        const next = raw.indexOf(separator, pos);
        if (next < 0) {
            inputs.push(raw.slice(pos));
            break;
        }
        inputs.push(raw.slice(pos, next));
        pos = next + separator.length;
    }
    const lines = readFileSync(`${base}.out`, "utf8").split("\n");
    assert.ok(lines.length >= inputs.length, `${base}.out has fewer lines than ${base}.inp has cases`);
    const expected = inputs.map((_, i) => lines[i].trim() === "" ? [] : lines[i].trim().split(/\s+/).map(Number));
    return {file: base, inputs, expected};
}

const modelsDir = path.join(llamaCppSourceDir(), "models");

for (const vocab of kVocabs) {
    test(`llama.cpp vocab test vectors: ${vocab}`, () => {
        const {file, inputs, expected} = readCases(modelsDir, vocab);
        assert.ok(inputs.length >= 40, `${file}.inp should hold the usual ~46 cases`);
        const got = velaTokenize(file, inputs);
        let passed = 0;
        const failures = [];
        inputs.forEach((input, i) => {
            if (JSON.stringify(got[i]) === JSON.stringify(expected[i])) passed++;
            else failures.push(`${JSON.stringify(input)}: expected ${JSON.stringify(expected[i])}, got ${JSON.stringify(got[i])}`);
        });
        console.log(`${vocab}: ${passed} of ${inputs.length} cases pass`);
        assert.deepEqual(failures, [], `${vocab}: ${failures.length} cases differ from llama.cpp`);
    });
}

const llama = await getLlama({gpu: false, build: "never", logLevel: "error"});
after(() => llama.dispose());
const texts = [...corpus, ...jsRegexDivergences];

for (const vocab of kVocabs) {
    test(`llama.cpp on the awkward-text corpus: ${vocab}`, async () => {
        const file = path.join(modelsDir, `ggml-vocab-${vocab}.gguf`);
        const model = await llama.loadModel({modelPath: file, vocabOnly: true});
        try {
            for (const addSpecial of [false, true]) {
                const got = velaTokenize(file, texts, {addSpecial});
                const failures = [];
                texts.forEach((text, i) => {
                    let expected = Array.from(model.tokenize(text, true), Number);
                    if (addSpecial && model.tokens.shouldPrependBosToken) expected = [Number(model.tokens.bos), ...expected];
                    if (JSON.stringify(expected) !== JSON.stringify(got[i]) && failures.length < 5) {
                        failures.push(`${JSON.stringify(text).slice(0, 80)}: llama.cpp ${JSON.stringify(expected).slice(0, 160)}, vela ${JSON.stringify(got[i]).slice(0, 160)}`);
                    }
                });
                assert.deepEqual(failures, [], `${vocab} (add_special=${addSpecial}) differs from llama.cpp`);
            }
            console.log(`${vocab}: llama.cpp == vela on ${texts.length} corpus texts, with and without BOS`);
        } finally {
            await model.dispose();
        }
    });
}

for (const [vocab, model] of kUnsupported) {
    test(`unsupported vocabulary is refused clearly: ${vocab}`, () => {
        const file = path.join(modelsDir, `ggml-vocab-${vocab}.gguf`);
        const r = velaRun(["tokenize", "--tokenizer", file, "--text", "hello"]);
        assert.notEqual(r.status, 0, "vela must exit non-zero");
        assert.equal(r.stdout, "", "nothing on stdout");
        assert.match(r.stderr, new RegExp(`ggml-vocab-${vocab}\\.gguf`), "the error names the file");
        assert.match(r.stderr, new RegExp(`"${model}" is not supported`), "the error names the model type");
    });
}
