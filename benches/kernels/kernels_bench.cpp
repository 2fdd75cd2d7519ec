// Kernel benchmarks on the shapes of a Qwen2.5-0.5B model (hidden 896, 14 heads, 2 KV heads, head_dim
// 64, ff 4864, vocab 151936, 24 layers) and, for the K-quants, Qwen3-0.6B, with at most 2 threads.
//
//  - Bandwidth/{copy,sum}: memcpy and a vectorizable sum over a buffer the size of the Q8_0 model's
//    weights, the ceiling for a memory-bound decode step (bytes_per_second counts bytes read).
//  - DecodeStep/<model>/<dtype>/<threads>: every weight matrix of the model, n = 1, one token's worth
//    of matvecs per iteration; bytes_per_second is weight bytes streamed, comparable with Bandwidth/sum.
//  - Matmul/<dtype>/<m>x<k>/n:<n>/threads:<t>: one projection; n = 1 (decode) and n = 64 (prefill,
//    FLOP-bound). With threads = 1 the reported CPU time is the whole cost, which stays meaningful
//    when the shared machine is oversubscribed and real time is not.
//  - Attention/{decode,prefill}: paged attention with an F16 cache at a given context length.
// Run with e.g. --benchmark_min_time=0.2s --benchmark_filter=DecodeStep to keep it short.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "cache/kv_cache.h"
#include "kernels/backend.h"
#include "kernels/ops.h"
#include "util/thread_pool.h"

namespace vela {
namespace {

// The shape of a decoder, as far as its weight matrices go.
struct ModelShape {
    const char* name;
    int64_t hidden, n_layers, n_heads, n_kv_heads, head_dim, ff, vocab;
};
// hidden 896 is not a multiple of 256, so K-quant files of this model keep those rows in 32-element
// formats; the K-quant benchmarks use Qwen3-0.6B's shapes instead.
constexpr ModelShape kQwen25_05B = {"qwen2.5-0.5b", 896, 24, 14, 2, 64, 4864, 151936};
constexpr ModelShape kQwen3_06B = {"qwen3-0.6b", 1024, 28, 16, 8, 128, 3072, 151936};

std::vector<float> random_floats(int64_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> dist(0.0f, 1.0f);
    std::vector<float> v(static_cast<size_t>(n));
    for (float& x : v)
        x = dist(rng);
    return v;
}

// A weight matrix: `n_copies` back-to-back copies of one quantized random {m, k} matrix (so a large
// model's worth of distinct memory is cheap to make).
struct Matrix {
    std::unique_ptr<std::byte[]> bytes;
    std::vector<TensorView> copies;
    int64_t bytes_per_copy = 0;
};

Matrix make_matrix(DType dtype, int64_t m, int64_t k, int64_t n_copies) {
    Matrix out;
    out.bytes_per_copy = m * row_bytes(dtype, k);
    out.bytes.reset(new std::byte[static_cast<size_t>(out.bytes_per_copy * n_copies)]);
    const std::vector<float> row = random_floats(k * 8, 1);
    for (int64_t j = 0; j < m; ++j) {
        kernels::quantize_row(dtype, row.data() + (j % 8) * k, k, out.bytes.get() + j * row_bytes(dtype, k));
    }
    for (int64_t c = 0; c < n_copies; ++c) {
        if (c > 0)
            std::memcpy(out.bytes.get() + c * out.bytes_per_copy, out.bytes.get(),
                        static_cast<size_t>(out.bytes_per_copy));
        out.copies.emplace_back(dtype, std::initializer_list<int64_t>{m, k},
                                out.bytes.get() + c * out.bytes_per_copy);
    }
    return out;
}

ThreadPool& pool_of(int n_threads) {
    static ThreadPool one(1);
    static ThreadPool two(2);
    return n_threads == 1 ? one : two;
}

// ---- memory bandwidth ----

constexpr int64_t kBandwidthBytes = int64_t{512} << 20;

void BM_BandwidthCopy(benchmark::State& state) {
    std::vector<char> src(static_cast<size_t>(kBandwidthBytes), 1);
    std::vector<char> dst(static_cast<size_t>(kBandwidthBytes));
    for (auto _ : state) {
        std::memcpy(dst.data(), src.data(), src.size());
        benchmark::DoNotOptimize(dst.data());
    }
    state.SetBytesProcessed(state.iterations() * kBandwidthBytes);
}

void BM_BandwidthSum(benchmark::State& state) {
    const int n_threads = static_cast<int>(state.range(0));
    const int64_t n = kBandwidthBytes / 8;
    std::vector<uint64_t> data(static_cast<size_t>(n), 3);
    ThreadPool& pool = pool_of(n_threads);
    for (auto _ : state) {
        uint64_t partial[2] = {0, 0};
        pool.run(n_threads, [&](int64_t task, int) {
            uint64_t s = 0;
            const int64_t begin = task * n / n_threads;
            const int64_t end = (task + 1) * n / n_threads;
            for (int64_t i = begin; i < end; ++i)
                s += data[static_cast<size_t>(i)];
            partial[task] = s;
        });
        benchmark::DoNotOptimize(partial[0] + partial[1]);
    }
    state.SetBytesProcessed(state.iterations() * kBandwidthBytes);
}

// ---- matmul ----

// All matrix-vector products of one decode step: per layer q, k, v, o, gate, up, down; then the
// output projection (tied embedding, same dtype).
void BM_DecodeStep(benchmark::State& state, const ModelShape& shape, DType dtype) {
    const int n_threads = static_cast<int>(state.range(0));
    ThreadPool& pool = pool_of(n_threads);
    const int64_t layers = shape.n_layers;
    const Matrix q = make_matrix(dtype, shape.n_heads * shape.head_dim, shape.hidden, layers);
    const Matrix kv = make_matrix(dtype, shape.n_kv_heads * shape.head_dim, shape.hidden, 2 * layers);
    const Matrix o = make_matrix(dtype, shape.hidden, shape.n_heads * shape.head_dim, layers);
    const Matrix up = make_matrix(dtype, shape.ff, shape.hidden, 2 * layers);
    const Matrix down = make_matrix(dtype, shape.hidden, shape.ff, layers);
    const Matrix out = make_matrix(dtype, shape.vocab, shape.hidden, 1);
    const std::vector<float> x = random_floats(std::max(shape.ff, shape.n_heads * shape.head_dim), 2);
    std::vector<float> y(static_cast<size_t>(shape.vocab));
    for (auto _ : state) {
        for (int64_t l = 0; l < layers; ++l) {
            kernels::matmul(pool, x.data(), 1, q.copies[l], y.data());
            kernels::matmul(pool, x.data(), 1, kv.copies[2 * l], y.data());
            kernels::matmul(pool, x.data(), 1, kv.copies[2 * l + 1], y.data());
            kernels::matmul(pool, x.data(), 1, o.copies[l], y.data());
            kernels::matmul(pool, x.data(), 1, up.copies[2 * l], y.data());
            kernels::matmul(pool, x.data(), 1, up.copies[2 * l + 1], y.data());
            kernels::matmul(pool, x.data(), 1, down.copies[l], y.data());
        }
        kernels::matmul(pool, x.data(), 1, out.copies[0], y.data());
        benchmark::DoNotOptimize(y.data());
    }
    const int64_t bytes = layers * (q.bytes_per_copy + 2 * kv.bytes_per_copy + o.bytes_per_copy +
                                    2 * up.bytes_per_copy + down.bytes_per_copy) +
                          out.bytes_per_copy;
    state.SetBytesProcessed(state.iterations() * bytes);
    state.counters["steps_per_s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_Matmul(benchmark::State& state, DType dtype, int64_t m, int64_t k) {
    const int64_t n = state.range(0);
    ThreadPool& pool = pool_of(static_cast<int>(state.range(1)));
    // Enough copies that n = 1 runs stream from memory rather than the cache.
    const int64_t bytes_per_copy = m * row_bytes(dtype, k);
    const int64_t n_copies = n == 1 ? std::max<int64_t>(1, (int64_t{640} << 20) / bytes_per_copy) : 1;
    const Matrix w = make_matrix(dtype, m, k, n_copies);
    const std::vector<float> x = random_floats(n * k, 3);
    std::vector<float> y(static_cast<size_t>(n * m));
    size_t next = 0;
    for (auto _ : state) {
        kernels::matmul(pool, x.data(), n, w.copies[next], y.data());
        next = (next + 1) % w.copies.size();
        benchmark::DoNotOptimize(y.data());
    }
    state.SetBytesProcessed(state.iterations() * bytes_per_copy);
    state.counters["GFLOP/s"] = benchmark::Counter(
        static_cast<double>(state.iterations()) * 2.0 * static_cast<double>(n * m * k) * 1e-9,
        benchmark::Counter::kIsRate);
}

// ---- attention ----

void BM_Attention(benchmark::State& state) {
    const auto n_context = static_cast<int32_t>(state.range(0));
    const auto n_tokens = static_cast<int32_t>(state.range(1));
    const int32_t block_size = 16;
    const int32_t n_blocks = (n_context + block_size - 1) / block_size;
    const ModelShape& m = kQwen25_05B;
    KvCache cache(KvCacheShape{1, static_cast<int32_t>(m.n_kv_heads), static_cast<int32_t>(m.head_dim),
                               block_size, n_blocks, DType::F16});
    std::vector<int32_t> table(static_cast<size_t>(n_blocks));
    for (int32_t b = 0; b < n_blocks; ++b)
        table[static_cast<size_t>(b)] = n_blocks - 1 - b;
    std::vector<int32_t> slots(static_cast<size_t>(n_context));
    for (int32_t p = 0; p < n_context; ++p)
        slots[static_cast<size_t>(p)] =
            table[static_cast<size_t>(p / block_size)] * block_size + p % block_size;
    const std::vector<float> kv = random_floats(int64_t{n_context} * m.n_kv_heads * m.head_dim, 4);
    kernels::store_kv(kv.data(), kv.data(), slots, cache.layer(0));
    std::vector<int32_t> tokens(static_cast<size_t>(n_tokens), 1);
    std::vector<int32_t> positions(static_cast<size_t>(n_tokens));
    for (int32_t t = 0; t < n_tokens; ++t)
        positions[static_cast<size_t>(t)] = n_context - n_tokens + t;
    ForwardBatch batch;
    batch.tokens = tokens;
    batch.positions = positions;
    batch.slot_mapping = std::span<const int32_t>(slots).subspan(static_cast<size_t>(n_context - n_tokens));
    batch.seqs.push_back(SequenceSlice{0, n_tokens, n_context, table, true});
    const std::vector<float> q = random_floats(int64_t{n_tokens} * m.n_heads * m.head_dim, 5);
    std::vector<float> out(q.size());
    const kernels::AttentionParams params{static_cast<int32_t>(m.n_heads),
                                          static_cast<int32_t>(m.n_kv_heads),
                                          static_cast<int32_t>(m.head_dim),
                                          block_size,
                                          0.125f,
                                          0};
    for (auto _ : state) {
        kernels::paged_attention(pool_of(2), q.data(), batch, cache.layer(0), params, out.data());
        benchmark::DoNotOptimize(out.data());
    }
    state.counters["tokens_per_s"] =
        benchmark::Counter(static_cast<double>(state.iterations() * n_tokens), benchmark::Counter::kIsRate);
}

struct DtypeName {
    DType dtype;
    const char* name;
};
constexpr DtypeName kDtypes[] = {{DType::Q8_0, "q8_0"}, {DType::Q4_0, "q4_0"}, {DType::Q4_K, "q4_k"},
                                 {DType::Q6_K, "q6_k"}, {DType::F16, "f16"},   {DType::Q5_K, "q5_k"},
                                 {DType::Q4_1, "q4_1"}, {DType::Q5_0, "q5_0"}, {DType::Q5_1, "q5_1"},
                                 {DType::BF16, "bf16"}, {DType::F32, "f32"}};

struct Shape {
    const char* name;
    int64_t m, k;
};
constexpr Shape kShapes[] = {{"attn_q_896x896", 896, 896},          {"attn_kv_128x896", 128, 896},
                             {"ffn_up_4864x896", 4864, 896},        {"ffn_down_896x4864", 896, 4864},
                             {"output_151936x896", 151936, 896},    {"q3_ffn_up_3072x1024", 3072, 1024},
                             {"q3_ffn_down_1024x3072", 1024, 3072}, {"q3_output_151936x1024", 151936, 1024}};

int register_all() {
    benchmark::RegisterBenchmark("Bandwidth/copy", BM_BandwidthCopy)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
    benchmark::RegisterBenchmark("Bandwidth/sum", BM_BandwidthSum)
        ->Arg(1)
        ->Arg(2)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
    for (const DtypeName& d : kDtypes) {
        const bool k_quant = traits(d.dtype).block_elems == 256;
        // The 0.5B model for every dtype its rows allow; the 0.6B one for the K-quants and Q8_0.
        for (const ModelShape* model : {&kQwen25_05B, &kQwen3_06B}) {
            if (model->hidden % traits(d.dtype).block_elems != 0) continue;
            if (model == &kQwen3_06B && !k_quant && d.dtype != DType::Q8_0) continue;
            benchmark::RegisterBenchmark(
                (std::string("DecodeStep/") + model->name + "/" + d.name).c_str(),
                [model, d](benchmark::State& s) { BM_DecodeStep(s, *model, d.dtype); })
                ->Arg(1)
                ->Arg(2)
                ->Unit(benchmark::kMillisecond)
                ->UseRealTime();
        }
        for (const Shape& shape : kShapes) {
            if (shape.k % traits(d.dtype).block_elems != 0) continue;
            benchmark::RegisterBenchmark(
                (std::string("Matmul/") + d.name + "/" + shape.name).c_str(),
                [d, shape](benchmark::State& s) { BM_Matmul(s, d.dtype, shape.m, shape.k); })
                ->ArgNames({"n", "threads"})
                ->Args({1, 1})
                ->Args({1, 2})
                ->Args({64, 1})
                ->Args({64, 2})
                ->Unit(benchmark::kMicrosecond)
                ->UseRealTime();
        }
    }
    benchmark::RegisterBenchmark("Attention/decode", BM_Attention)
        ->Args({512, 1})
        ->Args({4096, 1})
        ->UseRealTime();
    benchmark::RegisterBenchmark("Attention/prefill", BM_Attention)->Args({512, 64})->UseRealTime();
    return 0;
}

[[maybe_unused]] const int kRegistered = register_all();

}  // namespace
}  // namespace vela

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    std::printf("kernel backend: %s\n", std::string(vela::kernels::active_kernels().name).c_str());
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
