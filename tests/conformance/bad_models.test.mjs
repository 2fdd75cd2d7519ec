// Bad model files: each broken GGUF or Hugging Face folder makes `vela generate` exit non-zero (never
// crash or hang) with a message that names the file and the problem. The broken files are made here
// from a good generated model by editing its bytes: the GGUF header layout is public (magic, version,
// counts, then key/values and tensor infos: name, n_dims, dims, ggml type, offset).
import {test} from "node:test";
import assert from "node:assert/strict";
import {cpSync, mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync} from "node:fs";
import path from "node:path";
import {modelPath, requireEnv, runVela} from "./lib/models.mjs";

const work = path.join(requireEnv("VELA_TEST_DATA"), "bad-models");
rmSync(work, {recursive: true, force: true});
mkdirSync(work, {recursive: true});
const good = readFileSync(modelPath("qwen3", "f32"));

function writeBroken(name, bytes) {
    const file = path.join(work, name);
    writeFileSync(file, bytes);
    return file;
}

/** The byte offset just after tensor `name`'s name in the tensor-info table. */
function afterTensorName(bytes, name) {
    const at = bytes.indexOf(Buffer.from(name));
    assert.ok(at > 0, `tensor ${name} not found`);
    return at + name.length;
}

/** Runs vela generate on `model` and checks it fails cleanly with all of `phrases` in its message. */
function expectFailure(model, ...phrases) {
    const r = runVela(["generate", "--model", model, "--prompt-ids", "1", "--max-tokens", "1"], {timeout: 60000});
    assert.equal(r.signal ?? null, null, "vela must not crash");
    assert.notEqual(r.status, 0, `expected a failure, got exit 0 (${r.stdout})`);
    assert.ok(r.status > 0 && r.status < 128, `exit status ${r.status} looks like a crash`);
    assert.ok(r.stderr.includes(model), `the message must name ${model}: ${r.stderr}`);
    for (const phrase of phrases) assert.ok(r.stderr.includes(phrase), `expected "${phrase}" in: ${r.stderr}`);
}

test("a truncated GGUF", () => {
    expectFailure(writeBroken("truncated.gguf", good.subarray(0, Math.floor(good.length * 0.4))),
        "data ends at byte", "truncated");
});

test("a GGUF whose tensor data runs past the end of the file", () => {
    expectFailure(writeBroken("short-tail.gguf", good.subarray(0, good.length - 100)), "'output_norm.weight'", "data ends at byte");
});

test("wrong magic", () => {
    const bytes = Buffer.from(good);
    bytes.write("GGUX", 0, "latin1");
    expectFailure(writeBroken("magic.gguf", bytes), "not a GGUF file", "magic");
});

test("an unknown architecture", () => {
    // Renames every "qwen3" (the architecture and its "qwen3.*" keys) to "qwen9".
    const bytes = Buffer.from(good.toString("latin1").replaceAll("qwen3", "qwen9"), "latin1");
    expectFailure(writeBroken("arch.gguf", bytes), "architecture 'qwen9' is not supported");
});

test("an unknown tensor type", () => {
    const bytes = Buffer.from(good);
    const at = afterTensorName(bytes, "blk.0.attn_q.weight");
    const nDims = bytes.readUInt32LE(at);
    bytes.writeUInt32LE(16, at + 4 + 8 * nDims);  // ggml type 16 = iq2_xxs
    expectFailure(writeBroken("type.gguf", bytes), "'blk.0.attn_q.weight'", "iq2_xxs", "does not support");
});

test("a missing tensor", () => {
    const bytes = Buffer.from(good);
    bytes.write("blk.1.ffn_uq.weight", afterTensorName(bytes, "blk.1.ffn_up.weight") - "blk.1.ffn_up.weight".length, "latin1");
    expectFailure(writeBroken("missing.gguf", bytes), "'blk.1.ffn_up.weight' is missing");
});

test("a tensor of the wrong shape", () => {
    const bytes = Buffer.from(good);
    const at = afterTensorName(bytes, "blk.0.ffn_up.weight");
    assert.equal(bytes.readUInt32LE(at), 2);
    const inner = bytes.readBigInt64LE(at + 4);
    const outer = bytes.readBigInt64LE(at + 12);
    bytes.writeBigInt64LE(outer, at + 4);
    bytes.writeBigInt64LE(inner, at + 12);
    expectFailure(writeBroken("shape.gguf", bytes), "'blk.0.ffn_up.weight' has shape", "needs");
});

/** A copy of the generated Hugging Face folder, edited by `edit(folder)`. */
function brokenFolder(name, edit) {
    const folder = path.join(work, name);
    cpSync(modelPath("qwen3-real", "hf"), folder, {recursive: true});
    edit(folder);
    return folder;
}

test("a Hugging Face folder without tokenizer.json", () => {
    expectFailure(brokenFolder("hf-no-tokenizer", (f) => unlinkSync(path.join(f, "tokenizer.json"))), "no tokenizer.json");
});

test("a malformed tokenizer.json", () => {
    const folder = brokenFolder("hf-bad-tokenizer", (f) => {
        const file = path.join(f, "tokenizer.json");
        writeFileSync(file, readFileSync(file).subarray(0, 5000));
    });
    expectFailure(folder, "tokenizer.json", "JSON");
});

test("a malformed config.json", () => {
    expectFailure(brokenFolder("hf-bad-config", (f) => writeFileSync(path.join(f, "config.json"), '{"architectures": [')),
        "config.json", "invalid JSON");
});

test("an unknown architecture in config.json", () => {
    const folder = brokenFolder("hf-unknown-arch", (f) => {
        const file = path.join(f, "config.json");
        writeFileSync(file, readFileSync(file, "utf8").replace("Qwen3ForCausalLM", "FooForCausalLM"));
    });
    expectFailure(folder, "FooForCausalLM", "not supported");
});

test("a missing safetensors shard", () => {
    expectFailure(brokenFolder("hf-missing-shard", (f) => unlinkSync(path.join(f, "model-00002-of-00003.safetensors"))),
        "model-00002-of-00003.safetensors");
});

test("a path that does not exist", () => {
    expectFailure(path.join(work, "nothing-here.gguf"), "no such file");
});
