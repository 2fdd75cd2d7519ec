// vela's GGUF reader against node-llama-cpp's independent GGUF parser: files written by vela's
// GgufWriter (every metadata type, several tensor dtypes, two alignments) and llama.cpp's own vocab
// files. vela's view comes from the vela-gguf-dump tool; metadata, tensor infos and the data offset
// must agree exactly.
import assert from "node:assert/strict";
import {execFileSync, spawnSync} from "node:child_process";
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import os from "node:os";
import path from "node:path";
import {after, test} from "node:test";
import {readGgufFileInfo} from "node-llama-cpp";

import {llamaCppSourceDir} from "./lib/llamacpp_source.mjs";

const dumpTool = process.env.VELA_GGUF_DUMP ??
    path.join(path.dirname(process.env.VELA_BIN ?? ""), "..", "tools", "gguf_dump", "vela-gguf-dump");
const workDir = mkdtempSync(path.join(os.tmpdir(), "vela-gguf-reader-"));
after(() => rmSync(workDir, {recursive: true, force: true}));

function velaDump(file) {
    const out = execFileSync(dumpTool, ["--full", file], {maxBuffer: 1 << 30, encoding: "utf8"});
    return JSON.parse(out);
}

// node-llama-cpp nests metadata by the dots in keys; flatten it back to "a.b.c" keys.
function flatten(object, prefix = "", out = {}) {
    for (const [key, value] of Object.entries(object)) {
        const name = prefix === "" ? key : `${prefix}.${key}`;
        if (value !== null && typeof value === "object" && !Array.isArray(value)) flatten(value, name, out);
        else out[name] = value;
    }
    return out;
}

// 64-bit integers: node-llama-cpp gives bigints, the dump gives decimal strings.
function normalize(value) {
    if (typeof value === "bigint") return value.toString();
    if (Array.isArray(value)) return value.map(normalize);
    return value;
}

async function compareWithNodeLlamaCpp(file) {
    const ours = velaDump(file);
    const theirs = await readGgufFileInfo(file, {logWarnings: false, spliceSplitFiles: false});
    assert.equal(ours.version, theirs.version, "version");
    assert.equal(ours.data_offset, Number(theirs.infoEndOffset), "start of the tensor data section");

    const theirMetadata = flatten(theirs.metadata);
    assert.deepEqual(Object.keys(ours.metadata).sort(), Object.keys(theirMetadata).sort(), "metadata keys");
    for (const [key, value] of Object.entries(ours.metadata))
        assert.deepEqual(value, normalize(theirMetadata[key]), `metadata ${key} (${ours.metadata_types[key]})`);

    const theirTensors = theirs.tensorInfo ?? [];
    assert.equal(ours.tensors.length, theirTensors.length, "tensor count");
    ours.tensors.forEach((t, i) => {
        const other = theirTensors[i];
        assert.equal(t.name, other.name);
        assert.equal(t.ggml_type, Number(other.ggmlType), `type of ${t.name}`);
        assert.deepEqual(t.shape, other.dimensions.map(Number).reverse(), `shape of ${t.name}`);
        assert.equal(t.offset, String(other.offset), `offset of ${t.name}`);
    });
    return ours;
}

test("files written by GgufWriter read the same in node-llama-cpp", async () => {
    for (const alignment of [undefined, 64]) {
        const file = path.join(workDir, `sample-${alignment ?? "default"}.gguf`);
        const args = ["--write-sample", file, ...(alignment ? ["--alignment", String(alignment)] : [])];
        execFileSync(dumpTool, args);
        const ours = await compareWithNodeLlamaCpp(file);
        assert.equal(ours.alignment, alignment ?? 32);
        assert.ok(ours.tensors.length >= 9);
        assert.ok(Object.keys(ours.metadata).length >= 28);
        assert.deepEqual(ours.metadata["sample.arr_nested"], [[1, 2], [3]]);
        assert.equal(ours.metadata["sample.u64"], "18446744073709551615");
    }
});

test("llama.cpp vocab files read the same in node-llama-cpp", async () => {
    const models = path.join(llamaCppSourceDir(), "models");
    const files = readdirSync(models).filter((name) => /^ggml-vocab-.*\.gguf$/.test(name));
    assert.ok(files.length >= 10, `expected llama.cpp vocab files in ${models}, found ${files.length}`);
    for (const name of files) {
        const ours = await compareWithNodeLlamaCpp(path.join(models, name));
        assert.ok(Array.isArray(ours.metadata["tokenizer.ggml.tokens"]), `${name} has a token list`);
    }
});

test("the dump tool reports a file cut inside its metadata with the path", () => {
    // (node-llama-cpp reads short strings at the end of a cut file without complaint, so only vela is checked.)
    const full = path.join(workDir, "whole.gguf");
    execFileSync(dumpTool, ["--write-sample", full]);
    const cut = path.join(workDir, "cut.gguf");
    writeFileSync(cut, readFileSync(full).subarray(0, 300));
    const result = spawnSync(dumpTool, [cut], {encoding: "utf8"});
    assert.equal(result.status, 1);
    assert.ok(result.stderr.startsWith(`${cut}: `), result.stderr);
    assert.match(result.stderr, /truncated file|bytes remain|remaining \d+ bytes cannot hold/);
});
