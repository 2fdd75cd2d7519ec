// vela-make-model: writes a random-weight model of any supported family and shape, as GGUF files (one
// weight dtype each) and/or a Hugging Face folder, all holding exactly the same weights.
//
//   vela-make-model --family qwen3 --vocab PATH|synth-bpe|synth-spm [shape flags] --seed 7
//       --gguf out-q8.gguf:q8_0 --gguf out-f32.gguf:f32 --hf out-hf[:f32|f16|bf16]
//
// The vocabulary is a real tokenizer.json (or a folder holding one with its tokenizer_config.json and
// chat template) or a synthesized one; GGUF files carry it as tokenizer.ggml.* metadata.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "model_plan.h"
#include "model_writers.h"
#include "tokenizer/gguf_export.h"
#include "tokenizer/vocab_synth.h"
#include "vela/core/tokenizer.h"

namespace fs = std::filesystem;
using vela::DType;
using vela::Errc;
using vela::Error;
using vela::Result;

namespace {

struct Output {
    fs::path path;
    DType dtype;
};

// "path:dtype" (dtype defaults to `fallback`).
Result<Output> parse_output(const std::string& spec, DType fallback) {
    const size_t colon = spec.rfind(':');
    if (colon == std::string::npos) return Output{spec, fallback};
    auto dtype = vela::dtype_from_name(spec.substr(colon + 1));
    if (!dtype || *dtype == DType::Q8_K || *dtype == DType::I32) {
        return Error{Errc::InvalidArgument,
                     "'" + spec.substr(colon + 1) + "' in '" + spec +
                         "' is not a weight type (f32, f16, bf16, q8_0, q4_0, q4_1, q5_0, "
                         "q5_1, q4_k, q5_k, q6_k)"};
    }
    return Output{spec.substr(0, colon), *dtype};
}

// Resolves --vocab to a folder or file holding tokenizer.json; synthesized ones go to `scratch`.
Result<fs::path> prepare_vocab(const std::string& vocab, const fs::path& scratch) {
    using vela::tokenizer::SynthVocabStyle;
    if (vocab == "synth-bpe" || vocab == "synth-spm") {
        vela::tokenizer::SynthTokenizerOptions options;
        options.style = vocab == "synth-bpe" ? SynthVocabStyle::ByteLevel : SynthVocabStyle::SentencePiece;
        if (auto written = vela::tokenizer::write_synthesized_tokenizer(options, scratch); !written) {
            return std::move(written).error();
        }
        return scratch;
    }
    return fs::path(vocab);
}

Result<void> copy_tokenizer_files(const fs::path& vocab, const fs::path& folder) {
    const fs::path source = fs::is_directory(vocab) ? vocab : vocab.parent_path();
    const fs::path json = fs::is_directory(vocab) ? vocab / "tokenizer.json" : vocab;
    std::error_code ec;
    fs::copy_file(json, folder / "tokenizer.json", fs::copy_options::overwrite_existing, ec);
    if (ec)
        return Error{Errc::Io, json.string() + ": cannot copy into " + folder.string() + ": " + ec.message()};
    if (fs::exists(source / "tokenizer_config.json")) {
        fs::copy_file(source / "tokenizer_config.json", folder / "tokenizer_config.json",
                      fs::copy_options::overwrite_existing, ec);
        if (ec) return Error{Errc::Io, "cannot copy tokenizer_config.json: " + ec.message()};
    }
    return {};
}

int fail(const Error& error) {
    std::fprintf(stderr, "vela-make-model: %s\n", error.message().c_str());
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"vela-make-model: random-weight test models in GGUF and Hugging Face formats"};
    vela::tools::ModelPlanOptions o;
    std::string vocab = "synth-bpe", rope_scaling = "none", name;
    std::vector<std::string> gguf_specs;
    std::string hf_spec;
    int64_t hf_shard_bytes = 0;
    int32_t pad_vocab = 0;
    app.add_option("--family", o.family, "llama, mistral, qwen2 or qwen3")->required();
    app.add_option("--vocab", vocab, "tokenizer.json (or its folder), synth-bpe or synth-spm");
    app.add_option("--hidden", o.hidden, "hidden size");
    app.add_option("--layers", o.layers, "transformer blocks");
    app.add_option("--heads", o.heads, "attention heads");
    app.add_option("--kv-heads", o.kv_heads, "key/value heads");
    app.add_option("--head-dim", o.head_dim, "dimensions per head (default hidden / heads)");
    app.add_option("--ffn", o.ffn, "MLP inner size");
    app.add_option("--context", o.context, "context length the model declares");
    app.add_option("--rope-theta", o.rope_theta, "RoPE base frequency");
    app.add_option("--rope-scaling", rope_scaling, "none, linear, llama3 or yarn");
    app.add_option("--rope-factor", o.rope_scaling.factor, "RoPE scaling factor");
    app.add_option("--rope-original-context", o.rope_scaling.original_context, "context before scaling");
    app.add_option("--sliding-window", o.sliding_window, "attention window (mistral)");
    app.add_flag("--tied", o.tied, "tie the output projection to the token embedding");
    app.add_option("--seed", o.seed, "random seed");
    app.add_option("--pad-vocab", pad_vocab, "pad the vocabulary to this many rows with unused tokens");
    app.add_option("--name", name, "general.name of the model");
    app.add_option("--gguf", gguf_specs, "write a GGUF file: PATH[:dtype] (repeatable; default f32)");
    app.add_option("--hf", hf_spec, "write a Hugging Face folder: DIR[:f32|f16|bf16]");
    app.add_option("--hf-shard-bytes", hf_shard_bytes, "split the safetensors into shards of this size");
    CLI11_PARSE(app, argc, argv);

    if (rope_scaling == "llama3") {
        o.rope_scaling.kind = vela::RopeScalingKind::Llama3;
    } else if (rope_scaling == "yarn") {
        o.rope_scaling.kind = vela::RopeScalingKind::Yarn;
    } else if (rope_scaling == "linear") {
        o.rope_scaling.kind = vela::RopeScalingKind::Linear;
    } else if (rope_scaling != "none") {
        return fail(Error{Errc::InvalidArgument, "--rope-scaling must be none, linear, llama3 or yarn"});
    }
    if (o.rope_scaling.kind != vela::RopeScalingKind::None && o.rope_scaling.original_context == 0) {
        o.rope_scaling.original_context = o.context;
    }
    if (name.empty()) name = "vela-test-" + o.family;

    const fs::path scratch = fs::temp_directory_path() / ("vela-make-model-" + std::to_string(::getpid()));
    auto vocab_path = prepare_vocab(vocab, scratch);
    if (!vocab_path) return fail(vocab_path.error());
    auto tokenizer = vela::Tokenizer::load(*vocab_path);
    if (!tokenizer) return fail(tokenizer.error());
    auto metadata = vela::tokenizer::export_gguf_tokenizer(*vocab_path);
    if (!metadata) return fail(metadata.error());

    // Special (control/unused) tokens get zero output rows; so do padding rows.
    const int32_t n_tokens = (*tokenizer)->vocab_size();
    const int32_t vocab_size = std::max(n_tokens, pad_vocab);
    std::vector<int32_t> specials;
    for (int32_t id = 0; id < vocab_size; ++id) {
        if (id >= n_tokens || (*tokenizer)->is_special(id)) specials.push_back(id);
    }
    for (int32_t id = static_cast<int32_t>(metadata->tokens.size()); id < vocab_size; ++id) {
        metadata->tokens.push_back("[PAD" + std::to_string(id) + "]");
        metadata->token_types.push_back(5);  // unused
        if (!metadata->scores.empty()) metadata->scores.push_back(-1e9f);
    }

    auto plan = vela::tools::make_model_plan(o, vocab_size, specials);
    if (!plan) return fail(plan.error());
    const vela::tokenizer::GgufTokenizerMetadata& tokenizer_metadata = *metadata;
    const vela::tools::GgufTokenizerWriter add_tokenizer = [&](vela::GgufWriter& writer) -> Result<void> {
        vela::tokenizer::add_tokenizer_metadata(writer, tokenizer_metadata);
        return {};
    };
    for (const std::string& spec : gguf_specs) {
        auto output = parse_output(spec, DType::F32);
        if (!output) return fail(output.error());
        if (auto written = vela::tools::write_gguf(*plan, output->dtype, name, add_tokenizer, output->path);
            !written) {
            return fail(written.error());
        }
    }
    if (!hf_spec.empty()) {
        auto output = parse_output(hf_spec, DType::F32);
        if (!output) return fail(output.error());
        vela::tools::HfTokenIds ids;
        if (auto bos = (*tokenizer)->bos_id()) ids.bos = *bos;
        if (auto eos = (*tokenizer)->eos_id()) ids.eos.push_back(*eos);
        if (auto written =
                vela::tools::write_hf_weights(*plan, output->dtype, hf_shard_bytes, ids, output->path);
            !written) {
            return fail(written.error());
        }
        if (auto copied = copy_tokenizer_files(*vocab_path, output->path); !copied)
            return fail(copied.error());
    }
    std::error_code ec;
    fs::remove_all(scratch, ec);
    return 0;
}
