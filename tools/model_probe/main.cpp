// vela-probe --model PATH --prompt-ids 1,2,3 [--generate N] [--threads T] [--kv-dtype f16|f32]
// Prints {"logits":[...], "ids":[...]}: the logits after the prompt, then N greedy tokens. It drives the
// decoder directly over one sequence in a KV cache, so it checks the model path without the engine.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <numeric>
#include <thread>

#include "cache/kv_cache.h"
#include "model/model_loader.h"
#include "util/thread_pool.h"

namespace {

std::vector<vela::TokenId> parse_ids(const std::string& text) {
    std::vector<vela::TokenId> ids;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t end = text.find(',', pos);
        if (end == std::string::npos) end = text.size();
        ids.push_back(std::stoi(text.substr(pos, end - pos)));
        pos = end + 1;
    }
    return ids;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"vela-probe: next-token logits and greedy tokens straight from the decoder"};
    std::string model_path, prompt_ids, kv_dtype = "f16";
    int n_generate = 0;
    int n_threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    bool no_logits = false;
    app.add_option("--model", model_path, "a .gguf file or Hugging Face folder")->required();
    app.add_option("--prompt-ids", prompt_ids, "comma-separated prompt token ids")->required();
    app.add_option("--generate", n_generate, "greedy tokens to generate after the prompt");
    app.add_option("--threads", n_threads, "CPU threads");
    app.add_option("--kv-dtype", kv_dtype, "KV cache type: f16 or f32");
    app.add_flag("--no-logits", no_logits, "omit the logits from the output");
    CLI11_PARSE(app, argc, argv);

    auto model = vela::load_model(model_path);
    if (!model) {
        std::fprintf(stderr, "vela-probe: %s\n", model.error().message().c_str());
        return 1;
    }
    std::vector<vela::TokenId> tokens;
    try {
        tokens = parse_ids(prompt_ids);
    } catch (const std::exception&) {
        std::fprintf(stderr, "vela-probe: --prompt-ids must be comma-separated integers\n");
        return 2;
    }
    const vela::RunnerShape& shape = model->runner->shape();
    const int32_t block_size = 16;
    const int32_t n_ctx = static_cast<int32_t>(tokens.size()) + n_generate + 1;
    vela::KvCacheShape kv_shape{shape.n_layers,
                                shape.n_kv_heads,
                                shape.head_dim,
                                block_size,
                                (n_ctx + block_size - 1) / block_size,
                                kv_dtype == "f32" ? vela::DType::F32 : vela::DType::F16};
    vela::KvCache cache(kv_shape);
    std::vector<int32_t> block_table(static_cast<size_t>(kv_shape.n_blocks));
    std::iota(block_table.begin(), block_table.end(), 0);
    vela::ThreadPool pool(n_threads);
    std::vector<float> logits(static_cast<size_t>(shape.vocab_size));

    nlohmann::json out;
    std::vector<vela::TokenId> generated;
    int32_t n_done = 0;
    std::vector<vela::TokenId> step = tokens;
    for (int i = 0; i <= n_generate; ++i) {
        std::vector<int32_t> positions(step.size());
        std::iota(positions.begin(), positions.end(), n_done);
        vela::ForwardBatch batch;
        batch.tokens = step;
        batch.positions = positions;
        batch.slot_mapping = positions;  // block table is the identity, so slot == position
        batch.seqs.push_back(vela::SequenceSlice{0, static_cast<int32_t>(step.size()),
                                                 n_done + static_cast<int32_t>(step.size()), block_table,
                                                 true});
        model->runner->forward(pool, batch, cache, logits);
        n_done += static_cast<int32_t>(step.size());
        if (i == 0 && !no_logits) out["logits"] = logits;
        if (i == n_generate) break;
        const auto best =
            static_cast<vela::TokenId>(std::max_element(logits.begin(), logits.end()) - logits.begin());
        generated.push_back(best);
        step = {best};
    }
    out["ids"] = generated;
    std::printf("%s\n", out.dump().c_str());
    return 0;
}
