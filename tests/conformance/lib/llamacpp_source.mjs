// The llama.cpp source tree that node-llama-cpp ships as a git bundle, cloned once into the test data
// folder. Tests read DATA from it (vocab files with their .inp/.out cases, chat templates); no code.
import {execFileSync} from "node:child_process";
import {existsSync, mkdirSync, renameSync, rmSync} from "node:fs";
import path from "node:path";

function requireEnv(name) {
    const value = process.env[name];
    if (!value) throw new Error(`environment variable ${name} is not set (run the test through ctest)`);
    return value;
}

/** The folder of the llama.cpp checkout ($VELA_TEST_DATA/llamacpp), cloned from the bundle when absent. */
export function llamaCppSourceDir() {
    const dataDir = requireEnv("VELA_TEST_DATA");
    const dir = path.join(dataDir, "llamacpp");
    if (existsSync(path.join(dir, "models"))) return dir;
    const bundle = path.join(requireEnv("VELA_NODE_MODULES"), "node-llama-cpp", "llama", "gitRelease.bundle");
    if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run scripts/setup.sh to install the npm test packages`);
    mkdirSync(dataDir, {recursive: true});
    // Clone beside the target and rename, so tests running in parallel never see a half-made checkout.
    const staging = `${dir}.tmp-${process.pid}`;
    rmSync(staging, {recursive: true, force: true});
    execFileSync("git", ["-c", "advice.detachedHead=false", "clone", "-q", bundle, staging], {stdio: ["ignore", "ignore", "inherit"]});
    try {
        renameSync(staging, dir);
    } catch (error) {
        rmSync(staging, {recursive: true, force: true});
        if (!existsSync(path.join(dir, "models"))) throw error;
    }
    return dir;
}
