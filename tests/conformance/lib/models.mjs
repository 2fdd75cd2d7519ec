// The generated test models (tests/fixtures/make_test_models.sh) and ways to run them in vela and in
// llama.cpp (node-llama-cpp, CPU build).
import {execFileSync, spawnSync} from "node:child_process";
import path from "node:path";

export function requireEnv(name) {
    const value = process.env[name];
    if (!value) throw new Error(`environment variable ${name} is not set (run the test through ctest)`);
    return value;
}

/** The folder holding the generated models. */
export function modelsDir() {
    return path.join(requireEnv("VELA_TEST_DATA"), "models");
}

/** Path of model `name` (a family folder) in weight type `type` ("f32", "q8_0", ...), or its HF folder. */
export function modelPath(name, type) {
    return type === "hf" ? path.join(modelsDir(), name, "hf") : path.join(modelsDir(), name, `${name}-${type}.gguf`);
}

/** Runs the vela binary with `args`; returns {status, stdout, stderr}. */
export function runVela(args, options = {}) {
    const result = spawnSync(requireEnv("VELA_BIN"), args, {encoding: "utf8", maxBuffer: 1 << 28, ...options});
    return {status: result.status, stdout: result.stdout, stderr: result.stderr};
}

/** `vela generate --json` greedy with a KV cache of `kvType` ("f16" or "f32"): the parsed output. */
export function velaGreedy(model, promptIds, maxTokens, kvType = "f16") {
    const r = runVela(["generate", "--model", model, "--prompt-ids", promptIds.join(","), "--max-tokens", String(maxTokens),
        "--temperature", "0", "--ignore-eos", "--threads", "2", "--kv-cache-dtype", kvType, "--json"]);
    if (r.status !== 0) throw new Error(`vela generate failed (${r.status}): ${r.stderr}`);
    return JSON.parse(r.stdout);
}

/** The next-token logits after `promptIds`, straight from vela's decoder (vela-probe). */
export function velaLogits(model, promptIds, kvType = "f16") {
    const out = execFileSync(requireEnv("VELA_PROBE"),
        ["--model", model, "--prompt-ids", promptIds.join(","), "--threads", "2", "--kv-dtype", kvType],
        {encoding: "utf8", maxBuffer: 1 << 28});
    return Float64Array.from(JSON.parse(out).logits);
}

let llamaPromise;
/** The node-llama-cpp runtime (CPU build, never compiles anything). */
export async function llamaCpp() {
    if (!llamaPromise) {
        const {getLlama} = await import("node-llama-cpp");
        llamaPromise = getLlama({gpu: false, build: "never", logLevel: "error"});
    }
    return llamaPromise;
}

/**
 * llama.cpp's greedy continuation and next-token logits for `promptIds` on the GGUF at `modelPath`, with
 * a KV cache of `kvType` ("f16" or "f32"). Flash attention is off: llama.cpp then rounds Q and the
 * softmax probabilities to F16 around an F16 cache exactly as vela does.
 */
export async function llamaCppRun(modelPath, promptIds, maxTokens, kvType = "f16") {
    const llama = await llamaCpp();
    const model = await llama.loadModel({modelPath});
    try {
        const cacheType = kvType.toUpperCase();
        const options = {contextSize: 512, batchSize: 512, threads: 2, flashAttention: false,
            experimentalKvCacheKeyType: cacheType, experimentalKvCacheValueType: cacheType};
        const ids = [];
        if (maxTokens > 0) {
            const greedyContext = await model.createContext(options);
            for await (const token of greedyContext.getSequence().evaluate(promptIds, {temperature: 0})) {
                ids.push(token);
                if (ids.length >= maxTokens) break;
            }
            await greedyContext.dispose();
        }
        const logitsContext = await model.createContext(options);
        const items = [...promptIds.slice(0, -1), [promptIds.at(-1), {generateNext: {logits: true}}]];
        const result = await logitsContext.getSequence().controlledEvaluate(items);
        const map = result.at(-1).next.logits;
        let size = 0;
        for (const token of map.keys()) size = Math.max(size, token + 1);
        const logits = new Float64Array(size);
        for (const [token, value] of map) logits[token] = value;
        await logitsContext.dispose();
        return {ids, logits};
    } finally {
        await model.dispose();
    }
}
