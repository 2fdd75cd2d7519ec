#include "model/gguf_config.h"

#include <string>

#include "model/family_registry.h"

namespace vela {
namespace {

// Reads "<arch>.<key>" as an integer; a negative fallback makes the key required.
Result<int32_t> arch_int(const GgufFile& file, const std::string& arch, const char* key, int64_t fallback) {
    const std::string full = arch + "." + key;
    std::optional<int64_t> value = file.get_int(full);
    if (!value) {
        if (file.find(full) != nullptr) {
            return Error{Errc::Corrupt,
                         file.path().string() + ": metadata key '" + full + "' must be an integer"};
        }
        if (fallback < 0) {
            return Error{Errc::Corrupt, file.path().string() + ": metadata key '" + full +
                                            "' is missing; the file does not describe a complete model"};
        }
        return static_cast<int32_t>(fallback);
    }
    if (*value < 0 || *value > INT32_MAX) {
        return Error{Errc::Corrupt, file.path().string() + ": metadata key '" + full + "' has the value " +
                                        std::to_string(*value) + ", outside [0, 2^31)"};
    }
    return static_cast<int32_t>(*value);
}

float arch_float(const GgufFile& file, const std::string& arch, const char* key, double fallback) {
    return static_cast<float>(file.get_float(arch + "." + key).value_or(fallback));
}

}  // namespace

Result<ModelConfig> model_config_from_gguf(const GgufFile& file) {
    const std::string origin = file.path().string();
    std::optional<std::string> arch = file.get_string("general.architecture");
    if (!arch) {
        return Error{Errc::Corrupt, origin + ": metadata key 'general.architecture' is missing"};
    }
    const FamilySpec* family = find_family_by_gguf_architecture(*arch);
    if (family == nullptr) {
        return Error{Errc::Unsupported,
                     origin + ": architecture '" + *arch +
                         "' is not supported; vela runs GGUF architectures llama, qwen2, qwen3"};
    }

    ModelConfig c;
    c.family = std::string(family->name);
    struct IntField {
        int32_t* slot;
        const char* key;
        int64_t fallback;
    };
    const IntField fields[] = {
        {&c.hidden_size, "embedding_length", -1}, {&c.n_layers, "block_count", -1},
        {&c.ffn_size, "feed_forward_length", -1}, {&c.n_heads, "attention.head_count", -1},
        {&c.max_context, "context_length", 4096},
    };
    for (const IntField& f : fields) {
        auto value = arch_int(file, *arch, f.key, f.fallback);
        if (!value) return std::move(value).error();
        *f.slot = *value;
    }
    if (c.n_heads == 0) return Error{Errc::Corrupt, origin + ": " + *arch + ".attention.head_count is 0"};
    auto kv_heads = arch_int(file, *arch, "attention.head_count_kv", c.n_heads);
    auto head_dim = arch_int(file, *arch, "attention.key_length", c.hidden_size / c.n_heads);
    if (!kv_heads) return std::move(kv_heads).error();
    if (!head_dim) return std::move(head_dim).error();
    c.n_kv_heads = *kv_heads;
    c.head_dim = *head_dim;
    if (c.n_kv_heads == 0 || c.n_heads % c.n_kv_heads != 0) {
        return Error{Errc::Corrupt, origin + ": attention.head_count_kv (" + std::to_string(c.n_kv_heads) +
                                        ") must divide attention.head_count (" + std::to_string(c.n_heads) +
                                        ")"};
    }
    if (c.head_dim == 0 || c.head_dim % 2 != 0) {
        return Error{Errc::Corrupt, origin + ": the head dimension must be a positive even number"};
    }
    auto rope_dim = arch_int(file, *arch, "rope.dimension_count", c.head_dim);
    if (!rope_dim) return std::move(rope_dim).error();
    c.rope_dim = *rope_dim;
    if (c.rope_dim > c.head_dim || c.rope_dim % 2 != 0) {
        return Error{Errc::Corrupt,
                     origin + ": rope.dimension_count must be even and at most the head dimension"};
    }

    // The vocabulary size: "<arch>.vocab_size", else the tokenizer's token list, else the embedding.
    auto vocab = arch_int(file, *arch, "vocab_size", 0);
    if (!vocab) return std::move(vocab).error();
    c.vocab_size = *vocab;
    if (c.vocab_size == 0) {
        if (const GgufValue* tokens = file.find("tokenizer.ggml.tokens")) {
            c.vocab_size = static_cast<int32_t>(tokens->array_size());
        } else if (const GgufTensorInfo* embd = file.find_tensor("token_embd.weight");
                   embd && !embd->shape.empty()) {
            c.vocab_size = static_cast<int32_t>(embd->shape.front());
        }
    }

    c.rms_eps = arch_float(file, *arch, "attention.layer_norm_rms_epsilon", 1e-5);
    c.rope_theta = arch_float(file, *arch, "rope.freq_base", 10000.0);
    c.rope_style = family->gguf_rope_style;

    std::string scaling = file.get_string(*arch + ".rope.scaling.type").value_or("none");
    RopeScaling& s = c.rope_scaling;
    s.factor = arch_float(file, *arch, "rope.scaling.factor", 1.0);
    auto original = arch_int(file, *arch, "rope.scaling.original_context_length", c.max_context);
    if (!original) return std::move(original).error();
    s.original_context = *original;
    if (scaling == "none" || (scaling == "linear" && s.factor == 1.0f)) {
        s.kind = RopeScalingKind::None;
    } else if (scaling == "linear") {
        s.kind = RopeScalingKind::Linear;
    } else if (scaling == "yarn") {
        s.kind = RopeScalingKind::Yarn;
        s.beta_fast = arch_float(file, *arch, "rope.scaling.yarn_beta_fast", 32.0);
        s.beta_slow = arch_float(file, *arch, "rope.scaling.yarn_beta_slow", 1.0);
        s.attention_factor = arch_float(file, *arch, "rope.scaling.attn_factor", 0.0);
    } else {
        return Error{Errc::Unsupported, origin + ": rope scaling type '" + scaling +
                                            "' is not supported (supported: none, linear, yarn)"};
    }
    if (s.factor <= 0.0f) return Error{Errc::Corrupt, origin + ": rope.scaling.factor must be positive"};

    if (family->sliding_window) {
        auto window = arch_int(file, *arch, "attention.sliding_window", 0);
        if (!window) return std::move(window).error();
        c.sliding_window = *window;
    }
    c.qkv_bias = family->qkv_bias;
    c.qk_norm = family->qk_norm;
    return c;
}

}  // namespace vela
