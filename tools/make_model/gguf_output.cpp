// GGUF output of the test-model generator: the same metadata keys and tensor layout that GGUF
// converters write for Llama/Mistral ("llama"), Qwen2 and Qwen3, so llama.cpp loads the file.
#include <cmath>
#include <cstring>

#include "kernels/ops.h"
#include "model/family_registry.h"
#include "model/rope_table.h"
#include "model_writers.h"

namespace vela::tools {
namespace {

std::string_view gguf_architecture(const ModelConfig& c) {
    // Mistral files declare the llama architecture.
    return c.family == "mistral" ? std::string_view("llama") : std::string_view(c.family);
}

DType storage_type(DType wanted, int64_t row_length) {
    if (row_length % traits(wanted).block_elems == 0) return wanted;
    if (row_length % traits(DType::Q8_0).block_elems == 0 && traits(wanted).quantized) return DType::Q8_0;
    return DType::F16;
}

std::vector<std::byte> encode_rows(const Tensor& values, DType dtype) {
    const int64_t row = values.shape().back();
    const int64_t n_rows = values.n_elements() / row;
    const int64_t bytes_per_row = row_bytes(dtype, row);
    std::vector<std::byte> out(static_cast<size_t>(n_rows * bytes_per_row));
    for (int64_t r = 0; r < n_rows; ++r) {
        kernels::quantize_row(dtype, values.f32() + r * row, row, out.data() + r * bytes_per_row);
    }
    return out;
}

void add_hparams(GgufWriter& w, const ModelConfig& c, const std::string& name) {
    const std::string arch(gguf_architecture(c));
    w.set_string("general.architecture", arch);
    w.set_string("general.name", name);
    auto key = [&](const char* suffix) { return arch + "." + suffix; };
    w.set_u32(key("vocab_size"), static_cast<uint32_t>(c.vocab_size));
    w.set_u32(key("context_length"), static_cast<uint32_t>(c.max_context));
    w.set_u32(key("embedding_length"), static_cast<uint32_t>(c.hidden_size));
    w.set_u32(key("block_count"), static_cast<uint32_t>(c.n_layers));
    w.set_u32(key("feed_forward_length"), static_cast<uint32_t>(c.ffn_size));
    w.set_u32(key("attention.head_count"), static_cast<uint32_t>(c.n_heads));
    w.set_u32(key("attention.head_count_kv"), static_cast<uint32_t>(c.n_kv_heads));
    w.set_u32(key("attention.key_length"), static_cast<uint32_t>(c.head_dim));
    w.set_u32(key("attention.value_length"), static_cast<uint32_t>(c.head_dim));
    w.set_f32(key("attention.layer_norm_rms_epsilon"), c.rms_eps);
    w.set_f32(key("rope.freq_base"), c.rope_theta);
    w.set_u32(key("rope.dimension_count"), static_cast<uint32_t>(c.rope_dim));
    const RopeScaling& s = c.rope_scaling;
    switch (s.kind) {
        case RopeScalingKind::None:
        case RopeScalingKind::Llama3:
            break;  // llama3 scaling travels as the rope_freqs tensor
        case RopeScalingKind::Linear:
            w.set_string(key("rope.scaling.type"), "linear");
            w.set_f32(key("rope.scaling.factor"), s.factor);
            break;
        case RopeScalingKind::Yarn:
            w.set_string(key("rope.scaling.type"), "yarn");
            w.set_f32(key("rope.scaling.factor"), s.factor);
            w.set_u32(key("rope.scaling.original_context_length"), static_cast<uint32_t>(s.original_context));
            break;
    }
}

// Llama 3.1 GGUF files carry the per-frequency divisors of llama3 scaling as "rope_freqs.weight".
Tensor llama3_freq_factors(const ModelConfig& c) {
    ModelConfig unscaled = c;
    unscaled.rope_scaling = RopeScaling{};
    const RopeTable base = compute_rope_table(unscaled, {});
    const RopeTable scaled = compute_rope_table(c, {});
    Tensor factors(DType::F32, {static_cast<int64_t>(base.inv_freq.size())});
    for (size_t i = 0; i < base.inv_freq.size(); ++i)
        factors.f32()[i] = base.inv_freq[i] / scaled.inv_freq[i];
    return factors;
}

}  // namespace

Result<void> write_gguf(const ModelPlan& plan, DType dtype, const std::string& name,
                        const GgufTokenizerWriter& tokenizer, const std::filesystem::path& path) {
    const ModelConfig& c = plan.config;
    const FamilySpec* family = find_family(c.family);
    GgufWriter writer;
    add_hparams(writer, c, name);
    if (auto added = tokenizer(writer); !added) return added;

    for (const TensorPlan& t : plan.tensors) {
        Tensor values = generate_tensor(plan, t);
        if (family->gguf_rope_style == kernels::RopeStyle::Interleaved) {
            if (t.name.ends_with("attn_q.weight")) values = permute_for_interleaved_rope(values, c.n_heads);
            if (t.name.ends_with("attn_k.weight"))
                values = permute_for_interleaved_rope(values, c.n_kv_heads);
        }
        const DType type = t.shape.size() == 1 ? DType::F32 : storage_type(dtype, t.shape.back());
        writer.add_tensor(t.name, type, t.shape, encode_rows(values, type));
    }
    if (c.rope_scaling.kind == RopeScalingKind::Llama3) {
        Tensor factors = llama3_freq_factors(c);
        writer.add_tensor("rope_freqs.weight", DType::F32, {factors.n_elements()},
                          encode_rows(factors, DType::F32));
    }
    return writer.write(path);
}

}  // namespace vela::tools
