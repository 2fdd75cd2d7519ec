// Drives `vela tokenize` / `vela detokenize` for the tokenizer conformance tests. Inputs travel as JSON
// through stdin (--batch-file -), so one process handles a whole corpus.
import {execFileSync, spawnSync} from "node:child_process";

export function velaBin() {
    const bin = process.env.VELA_BIN;
    if (!bin) throw new Error("environment variable VELA_BIN is not set (run the test through ctest)");
    return bin;
}

function runVela(args, input) {
    return execFileSync(velaBin(), args, {input, maxBuffer: 1 << 30, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"]});
}

/** The ids vela gives each of `texts` (special tokens in the text recognized; BOS/EOS with addSpecial). */
export function velaTokenize(source, texts, {addSpecial = false} = {}) {
    const args = ["tokenize", "--tokenizer", source, "--batch-file", "-"];
    if (addSpecial) args.push("--add-special");
    return JSON.parse(runVela(args, JSON.stringify(texts)));
}

/** The text vela decodes from each id list (special tokens written out unless skipSpecial). */
export function velaDetokenize(source, idLists, {skipSpecial = false} = {}) {
    const args = ["detokenize", "--tokenizer", source, "--batch-file", "-"];
    if (skipSpecial) args.push("--skip-special");
    return JSON.parse(runVela(args, JSON.stringify(idLists)));
}

/** Writes the tokenizer at `source` as a vocab-only GGUF to `out` (hidden CLI flag). */
export function velaWriteVocabGguf(source, out) {
    runVela(["tokenize", "--tokenizer", source, "--write-vocab-gguf", out], "");
}

/** Writes a synthesized tokenizer ("byte-level" or "sentencepiece") into `dir` (hidden CLI flag). */
export function velaSynthesizeTokenizer(style, dir, nMerges = 400) {
    runVela(["tokenize", "--synthesize", style, "--synthesize-dir", dir, "--synthesize-merges", String(nMerges)], "");
}

/** Runs vela with `args` expecting failure: {status, stderr, stdout}. */
export function velaRun(args, input = "") {
    const r = spawnSync(velaBin(), args, {input, encoding: "utf8", maxBuffer: 1 << 26});
    return {status: r.status, stdout: r.stdout, stderr: r.stderr, signal: r.signal};
}
