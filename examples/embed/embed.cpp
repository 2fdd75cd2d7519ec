// A minimal application embedding vela with no HTTP: load a model, tokenize, generate (blocking), and
// stream (pull iterator and callback). It checks that the three ways give the same greedy text, so it
// doubles as a test of the public API on a real model.
//
//   vela-embed-example MODEL [PROMPT] [--threads N]
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "vela/core/engine.h"

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s MODEL [PROMPT] [--threads N]\n", argv[0]);
        return 2;
    }
    const std::string model = argv[1];
    std::string prompt = "The quick brown fox";
    int32_t n_threads = 2;
    for (int i = 2; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--threads" && i + 1 < argc) {
            n_threads = std::atoi(argv[++i]);
        } else {
            prompt = arg;
        }
    }

    // Load: a builder validates the configuration, then loads the model and starts the engine thread.
    auto engine =
        vela::InferenceEngine::builder().model_path(model).n_threads(n_threads).max_num_seqs(4).build();
    if (!engine) {
        std::fprintf(stderr, "cannot load %s: %s\n", model.c_str(), engine.error().message().c_str());
        return 1;
    }
    const vela::ModelInfo& info = (*engine)->model_info();
    std::printf("model %s (%s, %s): context %d, KV cache %d blocks\n", info.name.c_str(),
                info.architecture.c_str(), info.weight_dtype.c_str(), info.context_length, info.n_kv_blocks);

    // Tokenize.
    const std::vector<vela::TokenId> ids = (*engine)->tokenize(prompt);
    const std::string round_trip = (*engine)->detokenize(ids, true);  // without the BOS the model may add
    std::printf("prompt: %zu tokens; round trip: \"%s\"\n", ids.size(), round_trip.c_str());
    if (round_trip != prompt) {
        std::fprintf(stderr, "tokenize/detokenize round trip changed the prompt\n");
        return 1;
    }

    // Generate, blocking.
    const vela::GenerationParams params{.max_tokens = 24, .temperature = 0.0f};
    auto output = (*engine)->generate(ids, params);
    if (!output) {
        std::fprintf(stderr, "generate failed: %s\n", output.error().message().c_str());
        return 1;
    }
    std::printf("generate: %zu tokens, finish %s, %.1f tokens/s: \"%s\"\n", output->token_ids.size(),
                vela::to_string(output->finish_reason.kind), output->stats.tokens_per_second,
                output->text.c_str());

    // Stream, pulling events from the handle.
    auto handle = (*engine)->generate_stream(ids, params);
    if (!handle) {
        std::fprintf(stderr, "generate_stream failed: %s\n", handle.error().message().c_str());
        return 1;
    }
    std::string pulled;
    std::printf("stream: ");
    for (const vela::GenerationEvent& event : *handle) {
        std::printf("%s", event.text.c_str());
        std::fflush(stdout);
        pulled += event.text;
    }
    std::printf("\n");

    // Stream to a callback.
    std::string pushed;
    auto streamed = (*engine)->generate_stream(ids, params, [&](const vela::GenerationEvent& event) {
        pushed += event.text;
        return true;
    });
    if (!streamed) {
        std::fprintf(stderr, "generate_stream failed: %s\n", streamed.error().message().c_str());
        return 1;
    }

    const vela::EngineStats stats = (*engine)->stats();
    std::printf("engine: %lld requests finished, %lld tokens generated, prefix cache hit rate %.2f\n",
                static_cast<long long>(stats.requests_finished),
                static_cast<long long>(stats.generated_tokens), stats.prefix_cache_hit_rate);
    if (pulled != output->text || pushed != output->text || output->token_ids.empty()) {
        std::fprintf(stderr, "mismatch: generate \"%s\", pulled \"%s\", callback \"%s\"\n",
                     output->text.c_str(), pulled.c_str(), pushed.c_str());
        return 1;
    }
    std::printf("ok: blocking, pulled and callback streams agree\n");
    return 0;
}
