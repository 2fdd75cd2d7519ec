// Hugging Face output of the test-model generator: config.json, generation_config.json and the weights
// as safetensors (one file or shards with an index), with Hugging Face tensor names and layouts.
#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "kernels/ops.h"
#include "loader/safetensors_writer.h"
#include "model/tensor_names.h"
#include "model_writers.h"

namespace vela::tools {
namespace {

using nlohmann::ordered_json;

struct HfFamily {
    std::string_view family, architecture, model_type;
};
constexpr HfFamily kHfFamilies[] = {
    {"llama", "LlamaForCausalLM", "llama"},
    {"mistral", "MistralForCausalLM", "mistral"},
    {"qwen2", "Qwen2ForCausalLM", "qwen2"},
    {"qwen3", "Qwen3ForCausalLM", "qwen3"},
};

ordered_json rope_scaling_json(const RopeScaling& s) {
    switch (s.kind) {
        case RopeScalingKind::None:
            return nullptr;
        case RopeScalingKind::Linear:
            return {{"rope_type", "linear"}, {"factor", s.factor}};
        case RopeScalingKind::Llama3:
            return {{"rope_type", "llama3"},
                    {"factor", s.factor},
                    {"low_freq_factor", s.low_freq_factor},
                    {"high_freq_factor", s.high_freq_factor},
                    {"original_max_position_embeddings", s.original_context}};
        case RopeScalingKind::Yarn:
            return {{"rope_type", "yarn"},
                    {"factor", s.factor},
                    {"original_max_position_embeddings", s.original_context}};
    }
    return nullptr;
}

Result<void> write_json(const std::filesystem::path& path, const ordered_json& doc) {
    std::ofstream out(path, std::ios::binary);
    out << doc.dump(2) << "\n";
    if (!out) return Error{Errc::Io, path.string() + ": cannot write"};
    return {};
}

}  // namespace

Result<void> write_hf_weights(const ModelPlan& plan, DType dtype, int64_t max_shard_bytes,
                              const HfTokenIds& ids, const std::filesystem::path& folder) {
    if (dtype != DType::F32 && dtype != DType::F16 && dtype != DType::BF16) {
        return Error{Errc::InvalidArgument, "Hugging Face folders hold f32, f16 or bf16 weights, not " +
                                                std::string(to_string(dtype))};
    }
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    if (ec) return Error{Errc::Io, folder.string() + ": cannot create the folder: " + ec.message()};

    const ModelConfig& c = plan.config;
    const HfFamily* family = nullptr;
    for (const HfFamily& f : kHfFamilies) {
        if (f.family == c.family) family = &f;
    }
    if (family == nullptr)
        return Error{Errc::InvalidArgument, "no Hugging Face layout for family " + c.family};
    const bool tied = std::none_of(plan.tensors.begin(), plan.tensors.end(),
                                   [](const TensorPlan& t) { return t.name == "output.weight"; });

    ordered_json config = {
        {"architectures", {family->architecture}},
        {"model_type", family->model_type},
        {"vocab_size", c.vocab_size},
        {"hidden_size", c.hidden_size},
        {"intermediate_size", c.ffn_size},
        {"num_hidden_layers", c.n_layers},
        {"num_attention_heads", c.n_heads},
        {"num_key_value_heads", c.n_kv_heads},
        {"head_dim", c.head_dim},
        {"max_position_embeddings", c.max_context},
        {"rms_norm_eps", c.rms_eps},
        {"rope_theta", c.rope_theta},
        {"rope_scaling", rope_scaling_json(c.rope_scaling)},
        {"hidden_act", "silu"},
        {"tie_word_embeddings", tied},
        {"torch_dtype", dtype == DType::F32   ? "float32"
                        : dtype == DType::F16 ? "float16"
                                              : "bfloat16"},
    };
    if (c.family == "mistral")
        config["sliding_window"] = c.sliding_window > 0 ? ordered_json(c.sliding_window) : nullptr;
    if (c.family == "qwen2") config["use_sliding_window"] = false;
    if (c.family == "llama") config["attention_bias"] = false;
    ordered_json generation = ordered_json::object();
    if (ids.bos) {
        config["bos_token_id"] = *ids.bos;
        generation["bos_token_id"] = *ids.bos;
    }
    if (!ids.eos.empty()) {
        const ordered_json eos = ids.eos.size() == 1 ? ordered_json(ids.eos.front()) : ordered_json(ids.eos);
        config["eos_token_id"] = eos;
        generation["eos_token_id"] = eos;
    }
    if (auto written = write_json(folder / "config.json", config); !written) return written;
    if (auto written = write_json(folder / "generation_config.json", generation); !written) return written;

    SafetensorsWriter writer;
    writer.set_metadata("format", "pt");
    for (const TensorPlan& t : plan.tensors) {
        std::optional<std::string> hf_name = hf_from_canonical(t.name);
        if (!hf_name) return Error{Errc::Internal, "no Hugging Face name for tensor " + t.name};
        Tensor values = generate_tensor(plan, t);
        const int64_t n = values.n_elements();
        std::vector<std::byte> bytes(static_cast<size_t>(row_bytes(dtype, n)));
        kernels::quantize_row(dtype, values.f32(), n, bytes.data());
        writer.add_tensor(std::move(*hf_name), dtype, t.shape, std::move(bytes));
    }
    return max_shard_bytes > 0 ? writer.write_sharded(folder, static_cast<uint64_t>(max_shard_bytes))
                               : writer.write(folder / "model.safetensors");
}

}  // namespace vela::tools
