// The decoder against a naive transformer written here from the textbook definitions: full causal
// attention over plain arrays (no paging, no kernels), so block tables, slot mapping, GQA, RoPE pair
// layouts, sliding windows, QKV biases and QK-norm in the real decoder are checked against something
// independent.
#include "model/decoder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <random>

#include "cache/kv_cache.h"
#include "model/tensor_names.h"
#include "util/thread_pool.h"

namespace vela {
namespace {

struct Weights {
    std::map<std::string, std::vector<float>> values;
    std::map<std::string, std::vector<int64_t>> shapes;
};

ModelConfig tiny_config(const std::string& family) {
    ModelConfig c;
    c.family = family;
    c.vocab_size = 50;
    c.hidden_size = 32;
    c.n_layers = 2;
    c.n_heads = 4;
    c.n_kv_heads = 2;
    c.head_dim = 8;
    c.ffn_size = 48;
    c.max_context = 128;
    c.rms_eps = 1e-5f;
    c.rope_theta = 10000.0f;
    c.rope_dim = 8;
    const bool interleaved = family == "llama" || family == "mistral";
    c.rope_style = interleaved ? kernels::RopeStyle::Interleaved : kernels::RopeStyle::Neox;
    c.sliding_window = family == "mistral" ? 5 : 0;  // shorter than the test sequences
    c.qkv_bias = family == "qwen2";
    c.qk_norm = family == "qwen3";
    return c;
}

Weights random_weights(const ModelConfig& c, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    Weights w;
    auto add = [&](const std::string& name, std::vector<int64_t> shape, float scale, float offset) {
        int64_t n = 1;
        for (int64_t d : shape)
            n *= d;
        std::vector<float> v(static_cast<size_t>(n));
        for (float& x : v)
            x = offset + scale * normal(rng);
        w.values[name] = std::move(v);
        w.shapes[name] = std::move(shape);
    };
    const int64_t q = int64_t{c.n_heads} * c.head_dim;
    const int64_t kv = int64_t{c.n_kv_heads} * c.head_dim;
    const float s = 1.0f / std::sqrt(static_cast<float>(c.hidden_size));
    add("token_embd.weight", {c.vocab_size, c.hidden_size}, 1.0f, 0.0f);
    add("output_norm.weight", {c.hidden_size}, 0.1f, 1.0f);
    add("output.weight", {c.vocab_size, c.hidden_size}, 1.0f, 0.0f);
    for (int32_t l = 0; l < c.n_layers; ++l) {
        add(layer_tensor(l, "attn_norm.weight"), {c.hidden_size}, 0.1f, 1.0f);
        add(layer_tensor(l, "attn_q.weight"), {q, c.hidden_size}, s, 0.0f);
        add(layer_tensor(l, "attn_k.weight"), {kv, c.hidden_size}, s, 0.0f);
        add(layer_tensor(l, "attn_v.weight"), {kv, c.hidden_size}, s, 0.0f);
        add(layer_tensor(l, "attn_output.weight"), {c.hidden_size, q}, s, 0.0f);
        if (c.qkv_bias) {
            add(layer_tensor(l, "attn_q.bias"), {q}, 0.1f, 0.0f);
            add(layer_tensor(l, "attn_k.bias"), {kv}, 0.1f, 0.0f);
            add(layer_tensor(l, "attn_v.bias"), {kv}, 0.1f, 0.0f);
        }
        if (c.qk_norm) {
            add(layer_tensor(l, "attn_q_norm.weight"), {c.head_dim}, 0.1f, 1.0f);
            add(layer_tensor(l, "attn_k_norm.weight"), {c.head_dim}, 0.1f, 1.0f);
        }
        add(layer_tensor(l, "ffn_norm.weight"), {c.hidden_size}, 0.1f, 1.0f);
        add(layer_tensor(l, "ffn_gate.weight"), {c.ffn_size, c.hidden_size}, s, 0.0f);
        add(layer_tensor(l, "ffn_up.weight"), {c.ffn_size, c.hidden_size}, s, 0.0f);
        add(layer_tensor(l, "ffn_down.weight"), {c.hidden_size, c.ffn_size}, 1.0f / std::sqrt(48.0f), 0.0f);
    }
    return w;
}

WeightMap to_weight_map(const Weights& w) {
    WeightMap map("test weights");
    for (const auto& [name, values] : w.values) {
        Tensor t(DType::F32, std::span<const int64_t>(w.shapes.at(name)));
        std::copy(values.begin(), values.end(), t.f32());
        map.add_owned(name, std::move(t));
    }
    return map;
}

// ---- the naive reference -------------------------------------------------------------------------

using Vec = std::vector<double>;

Vec matvec(const Weights& w, const std::string& name, const Vec& x) {
    const auto& shape = w.shapes.at(name);
    const auto& m = w.values.at(name);
    Vec y(static_cast<size_t>(shape[0]), 0.0);
    for (int64_t r = 0; r < shape[0]; ++r) {
        for (int64_t k = 0; k < shape[1]; ++k)
            y[r] += m[r * shape[1] + k] * x[k];
    }
    return y;
}

Vec rmsnorm(const Vec& x, const std::vector<float>& weight, double eps) {
    double ss = 0;
    for (double v : x)
        ss += v * v;
    const double inv = 1.0 / std::sqrt(ss / static_cast<double>(x.size()) + eps);
    Vec y(x.size());
    for (size_t i = 0; i < x.size(); ++i)
        y[i] = x[i] * inv * weight[i];
    return y;
}

// Rotates one head in place: interleaved pairs (2i, 2i+1) or NEOX pairs (i, i + d/2).
void rotate(double* head, int32_t dim, int32_t pos, double theta, bool interleaved) {
    for (int32_t i = 0; i < dim / 2; ++i) {
        const double angle = pos * std::pow(theta, -2.0 * i / dim);
        const int32_t a = interleaved ? 2 * i : i;
        const int32_t b = interleaved ? 2 * i + 1 : i + dim / 2;
        const double x0 = head[a], x1 = head[b];
        head[a] = x0 * std::cos(angle) - x1 * std::sin(angle);
        head[b] = x0 * std::sin(angle) + x1 * std::cos(angle);
    }
}

// Logits after the last token of `tokens`, computed from scratch.
Vec reference_logits(const ModelConfig& c, const Weights& w, const std::vector<TokenId>& tokens) {
    const auto n = static_cast<int32_t>(tokens.size());
    const int32_t hd = c.head_dim, group = c.n_heads / c.n_kv_heads;
    std::vector<Vec> x(static_cast<size_t>(n));
    for (int32_t t = 0; t < n; ++t) {
        const auto& e = w.values.at("token_embd.weight");
        x[t].assign(e.begin() + tokens[t] * c.hidden_size, e.begin() + (tokens[t] + 1) * c.hidden_size);
    }
    for (int32_t l = 0; l < c.n_layers; ++l) {
        auto name = [l](const char* s) { return layer_tensor(l, s); };
        std::vector<Vec> q(n), k(n), v(n);
        for (int32_t t = 0; t < n; ++t) {
            Vec h = rmsnorm(x[t], w.values.at(name("attn_norm.weight")), c.rms_eps);
            q[t] = matvec(w, name("attn_q.weight"), h);
            k[t] = matvec(w, name("attn_k.weight"), h);
            v[t] = matvec(w, name("attn_v.weight"), h);
            if (c.qkv_bias) {
                for (size_t i = 0; i < q[t].size(); ++i)
                    q[t][i] += w.values.at(name("attn_q.bias"))[i];
                for (size_t i = 0; i < k[t].size(); ++i)
                    k[t][i] += w.values.at(name("attn_k.bias"))[i];
                for (size_t i = 0; i < v[t].size(); ++i)
                    v[t][i] += w.values.at(name("attn_v.bias"))[i];
            }
            auto per_head = [&](Vec& vec, const char* norm_name) {
                for (size_t h0 = 0; h0 < vec.size(); h0 += hd) {
                    Vec head(vec.begin() + h0, vec.begin() + h0 + hd);
                    if (c.qk_norm) head = rmsnorm(head, w.values.at(name(norm_name)), c.rms_eps);
                    rotate(head.data(), hd, t, c.rope_theta, c.rope_style == kernels::RopeStyle::Interleaved);
                    std::copy(head.begin(), head.end(), vec.begin() + h0);
                }
            };
            per_head(q[t], "attn_q_norm.weight");
            per_head(k[t], "attn_k_norm.weight");
        }
        for (int32_t t = 0; t < n; ++t) {
            Vec attn(static_cast<size_t>(c.n_heads * hd), 0.0);
            for (int32_t h = 0; h < c.n_heads; ++h) {
                const int32_t kvh = h / group;
                // Keys within the sliding window (positions t - window + 1 .. t), else all of 0 .. t.
                const int32_t first = c.sliding_window > 0 ? std::max(0, t - c.sliding_window + 1) : 0;
                std::vector<double> scores(t + 1, -1e300);
                double max_score = -1e300;
                for (int32_t s = first; s <= t; ++s) {
                    double dot = 0;
                    for (int32_t d = 0; d < hd; ++d)
                        dot += q[t][h * hd + d] * k[s][kvh * hd + d];
                    scores[s] = dot / std::sqrt(static_cast<double>(hd));
                    max_score = std::max(max_score, scores[s]);
                }
                double total = 0;
                for (double& sc : scores)
                    total += (sc = std::exp(sc - max_score));
                for (int32_t s = first; s <= t; ++s) {
                    for (int32_t d = 0; d < hd; ++d)
                        attn[h * hd + d] += scores[s] / total * v[s][kvh * hd + d];
                }
            }
            Vec o = matvec(w, name("attn_output.weight"), attn);
            for (size_t i = 0; i < o.size(); ++i)
                x[t][i] += o[i];
            Vec h2 = rmsnorm(x[t], w.values.at(name("ffn_norm.weight")), c.rms_eps);
            Vec g = matvec(w, name("ffn_gate.weight"), h2);
            Vec u = matvec(w, name("ffn_up.weight"), h2);
            for (size_t i = 0; i < g.size(); ++i)
                g[i] = g[i] / (1.0 + std::exp(-g[i])) * u[i];
            Vec d = matvec(w, name("ffn_down.weight"), g);
            for (size_t i = 0; i < d.size(); ++i)
                x[t][i] += d[i];
        }
    }
    return matvec(w, "output.weight", rmsnorm(x[n - 1], w.values.at("output_norm.weight"), c.rms_eps));
}

// ---- the test ---------------------------------------------------------------------------------------

class DecoderTest : public ::testing::TestWithParam<std::string> {};

// Two sequences share one ragged batch: sequence A is prefilled in two chunks, sequence B in one, and
// their blocks are scattered through the cache in a non-monotonic order.
TEST_P(DecoderTest, MatchesNaiveTransformerAcrossChunksAndScatteredBlocks) {
    const ModelConfig config = tiny_config(GetParam());
    const Weights weights = random_weights(config, 1234);
    auto decoder = Decoder::create(config, to_weight_map(weights));
    ASSERT_TRUE(decoder.ok()) << decoder.error().message();

    const int32_t block_size = 4;
    KvCache cache(
        KvCacheShape{config.n_layers, config.n_kv_heads, config.head_dim, block_size, 16, DType::F32});
    ThreadPool pool(2);
    const std::vector<TokenId> seq_a = {3, 17, 42, 8, 8, 25, 1, 49, 30, 12, 7};
    const std::vector<TokenId> seq_b = {5, 44, 19, 2, 33, 21};
    const std::vector<int32_t> blocks_a = {9, 2, 14};
    const std::vector<int32_t> blocks_b = {6, 0};
    auto slot = [&](const std::vector<int32_t>& table, int32_t pos) {
        return table[pos / block_size] * block_size + pos % block_size;
    };

    // Step 1: A's first 7 tokens (no logits needed) and all of B.
    // Step 2: A's remaining 4 tokens.
    std::vector<float> logits(static_cast<size_t>(2 * config.vocab_size));
    auto run = [&](std::vector<std::pair<const std::vector<TokenId>*, std::pair<int32_t, int32_t>>> parts,
                   std::vector<const std::vector<int32_t>*> tables, std::vector<bool> want) {
        std::vector<TokenId> tokens;
        std::vector<int32_t> positions, slots;
        ForwardBatch batch;
        for (size_t s = 0; s < parts.size(); ++s) {
            const auto [begin, end] = parts[s].second;
            SequenceSlice slice;
            slice.token_begin = static_cast<int32_t>(tokens.size());
            slice.n_tokens = end - begin;
            slice.n_context = end;
            slice.block_table = *tables[s];
            slice.want_logits = want[s];
            for (int32_t p = begin; p < end; ++p) {
                tokens.push_back((*parts[s].first)[p]);
                positions.push_back(p);
                slots.push_back(slot(*tables[s], p));
            }
            batch.seqs.push_back(slice);
        }
        batch.tokens = tokens;
        batch.positions = positions;
        batch.slot_mapping = slots;
        (*decoder)->forward(pool, batch, cache, logits);
    };
    run({{&seq_a, {0, 7}}, {&seq_b, {0, 6}}}, {&blocks_a, &blocks_b}, {false, true});
    const Vec expected_b = reference_logits(config, weights, seq_b);
    for (int32_t i = 0; i < config.vocab_size; ++i)
        EXPECT_NEAR(logits[i], expected_b[i], 2e-4) << "token " << i;

    run({{&seq_a, {7, 11}}}, {&blocks_a}, {true});
    const Vec expected_a = reference_logits(config, weights, seq_a);
    for (int32_t i = 0; i < config.vocab_size; ++i)
        EXPECT_NEAR(logits[i], expected_a[i], 2e-4) << "token " << i;
}

INSTANTIATE_TEST_SUITE_P(Families, DecoderTest, ::testing::Values("llama", "mistral", "qwen2", "qwen3"));

TEST(Decoder, MissingTensorIsAClearError) {
    const ModelConfig config = tiny_config("qwen2");
    Weights weights = random_weights(config, 1);
    weights.values.erase("blk.1.attn_k.bias");
    weights.shapes.erase("blk.1.attn_k.bias");
    auto decoder = Decoder::create(config, to_weight_map(weights));
    ASSERT_FALSE(decoder.ok());
    EXPECT_EQ(decoder.error().code(), Errc::NotFound);
    EXPECT_NE(decoder.error().message().find("'blk.1.attn_k.bias' is missing"), std::string::npos)
        << decoder.error().message();
}

TEST(Decoder, ShapeMismatchNamesTheTensor) {
    const ModelConfig config = tiny_config("llama");
    Weights weights = random_weights(config, 1);
    weights.shapes["blk.0.ffn_up.weight"] = {config.ffn_size / 2, config.hidden_size * 2};
    auto decoder = Decoder::create(config, to_weight_map(weights));
    ASSERT_FALSE(decoder.ok());
    EXPECT_EQ(decoder.error().code(), Errc::Corrupt);
    EXPECT_NE(decoder.error().message().find("'blk.0.ffn_up.weight' has shape [24, 64]"), std::string::npos)
        << decoder.error().message();
}

}  // namespace
}  // namespace vela
