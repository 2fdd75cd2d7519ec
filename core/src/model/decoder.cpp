#include "model/decoder.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "kernels/ops.h"
#include "model/tensor_names.h"
#include "util/thread_pool.h"
#include "vela/core/assert.h"

namespace vela {

void Decoder::Scratch::reserve(const ModelConfig& c, int64_t n_tokens) {
    auto grow = [](std::vector<float>& buffer, int64_t n) {
        if (static_cast<int64_t>(buffer.size()) < n) buffer.resize(static_cast<size_t>(n));
    };
    const int64_t q_width = int64_t{c.n_heads} * c.head_dim;
    const int64_t kv_width = int64_t{c.n_kv_heads} * c.head_dim;
    grow(x, n_tokens * c.hidden_size);
    grow(h, n_tokens * std::max<int64_t>(c.hidden_size, q_width));
    grow(q, n_tokens * q_width);
    grow(k, n_tokens * kv_width);
    grow(v, n_tokens * kv_width);
    grow(attn, n_tokens * q_width);
    grow(gate, n_tokens * c.ffn_size);
    grow(up, n_tokens * c.ffn_size);
}

Result<std::unique_ptr<Decoder>> Decoder::create(ModelConfig config, WeightMap weights) {
    std::unique_ptr<Decoder> decoder(new Decoder(std::move(config), std::move(weights)));
    if (auto bound = decoder->bind_weights(); !bound) return std::move(bound).error();
    return decoder;
}

Result<const float*> Decoder::f32_vector(const std::string& name, int64_t length, bool required) {
    auto found = weights_.optional(name, {length});
    if (!found) return std::move(found).error();
    if (!found->has_value()) {
        if (!required) return static_cast<const float*>(nullptr);
        return weights_.require(name, {length}).error();
    }
    const TensorView& view = **found;
    if (view.dtype() == DType::F32) return view.f32();
    Tensor copy(DType::F32, {length});
    kernels::dequantize_row(view.dtype(), view.data(), length, copy.f32());
    f32_copies_.push_back(std::move(copy));
    return static_cast<const float*>(f32_copies_.back().f32());
}

Result<void> Decoder::bind_weights() {
    const ModelConfig& c = config_;
    const int64_t hidden = c.hidden_size;
    const int64_t q_width = int64_t{c.n_heads} * c.head_dim;
    const int64_t kv_width = int64_t{c.n_kv_heads} * c.head_dim;
    shape_ = RunnerShape{c.n_layers, c.n_kv_heads, c.head_dim, c.vocab_size, c.max_context};

    auto embd = weights_.require("token_embd.weight", {c.vocab_size, hidden});
    if (!embd) return std::move(embd).error();
    token_embd_ = *embd;
    auto output = weights_.optional("output.weight", {c.vocab_size, hidden});
    if (!output) return std::move(output).error();
    output_ = output->value_or(token_embd_);
    auto norm = f32_vector("output_norm.weight", hidden, true);
    if (!norm) return std::move(norm).error();
    output_norm_ = *norm;

    auto factors = f32_vector("rope_freqs.weight", c.rope_dim / 2, false);
    if (!factors) return std::move(factors).error();
    std::span<const float> freq_factors;
    if (*factors != nullptr) freq_factors = {*factors, static_cast<size_t>(c.rope_dim / 2)};
    rope_ = compute_rope_table(c, freq_factors);

    layers_.resize(static_cast<size_t>(c.n_layers));
    for (int32_t i = 0; i < c.n_layers; ++i) {
        Layer& layer = layers_[static_cast<size_t>(i)];
        auto name = [i](std::string_view suffix) { return layer_tensor(i, suffix); };
        struct MatrixSlot {
            TensorView* slot;
            std::string_view suffix;
            int64_t rows, cols;
        };
        const MatrixSlot matrices[] = {
            {&layer.wq, "attn_q.weight", q_width, hidden},
            {&layer.wk, "attn_k.weight", kv_width, hidden},
            {&layer.wv, "attn_v.weight", kv_width, hidden},
            {&layer.wo, "attn_output.weight", hidden, q_width},
            {&layer.w_gate, "ffn_gate.weight", c.ffn_size, hidden},
            {&layer.w_up, "ffn_up.weight", c.ffn_size, hidden},
            {&layer.w_down, "ffn_down.weight", hidden, c.ffn_size},
        };
        for (const MatrixSlot& m : matrices) {
            auto view = weights_.require(name(m.suffix), {m.rows, m.cols});
            if (!view) return std::move(view).error();
            *m.slot = *view;
        }
        struct VectorSlot {
            const float** slot;
            std::string_view suffix;
            int64_t length;
            bool required;
        };
        const VectorSlot vectors[] = {
            {&layer.attn_norm, "attn_norm.weight", hidden, true},
            {&layer.ffn_norm, "ffn_norm.weight", hidden, true},
            {&layer.bq, "attn_q.bias", q_width, c.qkv_bias},
            {&layer.bk, "attn_k.bias", kv_width, c.qkv_bias},
            {&layer.bv, "attn_v.bias", kv_width, c.qkv_bias},
            {&layer.q_norm, "attn_q_norm.weight", c.head_dim, c.qk_norm},
            {&layer.k_norm, "attn_k_norm.weight", c.head_dim, c.qk_norm},
        };
        for (const VectorSlot& v : vectors) {
            auto data = f32_vector(name(v.suffix), v.length, v.required);
            if (!data) return std::move(data).error();
            *v.slot = *data;
        }
    }
    return {};
}

void Decoder::forward(ThreadPool& pool, const ForwardBatch& batch, KvCache& cache, std::span<float> logits) {
    const ModelConfig& c = config_;
    const auto n_tokens = static_cast<int64_t>(batch.tokens.size());
    VELA_ASSERT(batch.positions.size() == batch.tokens.size(), "one position per token");
    VELA_ASSERT(batch.slot_mapping.size() == batch.tokens.size(), "one KV slot per token");
    scratch_.reserve(c, n_tokens);

    kernels::get_rows(token_embd_, batch.tokens, scratch_.x.data());
    for (int32_t i = 0; i < c.n_layers; ++i) {
        const Layer& layer = layers_[static_cast<size_t>(i)];
        attention_block(pool, layer, i, batch, cache, n_tokens);
        mlp_block(pool, layer, n_tokens);
    }

    // Only the last token of each sequence that asks for logits goes through the output head.
    const int64_t hidden = c.hidden_size;
    int64_t n_out = 0;
    for (const SequenceSlice& seq : batch.seqs)
        n_out += seq.want_logits ? 1 : 0;
    VELA_ASSERT(static_cast<int64_t>(logits.size()) >= n_out * c.vocab_size, "logits buffer too small");
    if (n_out == 0) return;
    scratch_.last.resize(static_cast<size_t>(n_out * hidden));
    int64_t row = 0;
    for (const SequenceSlice& seq : batch.seqs) {
        if (!seq.want_logits) continue;
        const int64_t token = seq.token_begin + seq.n_tokens - 1;
        std::copy_n(scratch_.x.data() + token * hidden, hidden, scratch_.last.data() + row * hidden);
        ++row;
    }
    kernels::rms_norm(scratch_.last.data(), output_norm_, n_out, hidden, c.rms_eps, scratch_.last.data());
    kernels::matmul(pool, scratch_.last.data(), n_out, output_, logits.data());
}

void Decoder::attention_block(ThreadPool& pool, const Layer& layer, int32_t index, const ForwardBatch& batch,
                              KvCache& cache, int64_t n_tokens) {
    const ModelConfig& c = config_;
    const int64_t hidden = c.hidden_size;
    const int64_t q_width = int64_t{c.n_heads} * c.head_dim;
    const int64_t kv_width = int64_t{c.n_kv_heads} * c.head_dim;
    Scratch& s = scratch_;

    kernels::rms_norm(s.x.data(), layer.attn_norm, n_tokens, hidden, c.rms_eps, s.h.data());
    kernels::matmul(pool, s.h.data(), n_tokens, layer.wq, s.q.data());
    kernels::matmul(pool, s.h.data(), n_tokens, layer.wk, s.k.data());
    kernels::matmul(pool, s.h.data(), n_tokens, layer.wv, s.v.data());
    if (layer.bq != nullptr) {
        kernels::add_rows(s.q.data(), layer.bq, n_tokens, q_width);
        kernels::add_rows(s.k.data(), layer.bk, n_tokens, kv_width);
        kernels::add_rows(s.v.data(), layer.bv, n_tokens, kv_width);
    }
    if (layer.q_norm != nullptr) {
        kernels::rms_norm(s.q.data(), layer.q_norm, n_tokens * c.n_heads, c.head_dim, c.rms_eps, s.q.data());
        kernels::rms_norm(s.k.data(), layer.k_norm, n_tokens * c.n_kv_heads, c.head_dim, c.rms_eps,
                          s.k.data());
    }
    const kernels::RopeParams rope{rope_.inv_freq, rope_.mscale, c.rope_dim, c.rope_style};
    kernels::rope(s.q.data(), n_tokens, c.n_heads, c.head_dim, batch.positions, rope);
    kernels::rope(s.k.data(), n_tokens, c.n_kv_heads, c.head_dim, batch.positions, rope);

    KvLayerView kv = cache.layer(index);
    kernels::store_kv(s.k.data(), s.v.data(), batch.slot_mapping, kv);
    const kernels::AttentionParams params{c.n_heads,
                                          c.n_kv_heads,
                                          c.head_dim,
                                          cache.shape().block_size,
                                          1.0f / std::sqrt(static_cast<float>(c.head_dim)),
                                          c.sliding_window};
    kernels::paged_attention(pool, s.q.data(), batch, kv, params, s.attn.data());
    kernels::matmul(pool, s.attn.data(), n_tokens, layer.wo, s.h.data());
    kernels::add(s.x.data(), s.h.data(), n_tokens * hidden, s.x.data());
}

void Decoder::mlp_block(ThreadPool& pool, const Layer& layer, int64_t n_tokens) {
    const ModelConfig& c = config_;
    const int64_t hidden = c.hidden_size;
    Scratch& s = scratch_;
    kernels::rms_norm(s.x.data(), layer.ffn_norm, n_tokens, hidden, c.rms_eps, s.h.data());
    kernels::matmul(pool, s.h.data(), n_tokens, layer.w_gate, s.gate.data());
    kernels::matmul(pool, s.h.data(), n_tokens, layer.w_up, s.up.data());
    kernels::silu_mul(s.gate.data(), s.up.data(), n_tokens * c.ffn_size, s.gate.data());
    kernels::matmul(pool, s.gate.data(), n_tokens, layer.w_down, s.h.data());
    kernels::add(s.x.data(), s.h.data(), n_tokens * hidden, s.x.data());
}

}  // namespace vela
