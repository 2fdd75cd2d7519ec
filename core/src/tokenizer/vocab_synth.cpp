#include "tokenizer/vocab_synth.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <system_error>
#include <utility>
#include <vector>

#include "tokenizer/byte_level.h"
#include "tokenizer/pre_tokenizer.h"
#include "tokenizer/utf8.h"
#include "vela/core/assert.h"

namespace vela::tokenizer {

namespace {

using nlohmann::json;

constexpr std::string_view kMetaspace = "\xE2\x96\x81";

// The training sample: plain English prose, a little code and a few numbers.
constexpr std::string_view kSample =
    R"(The small model reads the text one token at a time. Each token is a piece of a word,
a whole word, or a single byte when nothing better fits. The tokenizer learns which pieces to keep by
counting the pairs that appear most often in the sample and merging them, again and again, until it
has as many pieces as it was asked for. Common words such as the, and, of, to, in, is, it, that, for
and with end up as single tokens; rare words are spelled from smaller pieces.

When the model answers a question, it writes one token, then reads everything again and writes the
next one. The answer is finished when the model writes the end token or when it reaches the length
the caller asked for. A good test model does not need to be clever: it needs to be the same on every
machine, so that two programs given the same weights and the same prompt produce the same tokens.

def generate(model, prompt, max_tokens=32):
    tokens = model.tokenize(prompt)
    for step in range(max_tokens):
        logits = model.forward(tokens)
        next_token = int(logits[-1].argmax())
        if next_token == model.eos_token_id:
            break
        tokens.append(next_token)
    return model.detokenize(tokens)

for (int i = 0; i < n_tokens; ++i) {
    sum += weights[i] * inputs[i];
}

The numbers 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100, 1000 and 2024 appear here, and so do the words
token, tokens, tokenizer, model, models, text, test, tests, merge, merges, piece and pieces.
)";

// The Qwen 2 pre-tokenizer regex (as written in Qwen's tokenizer.json).
constexpr std::string_view kQwen2Regex =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

constexpr std::string_view kChatMlTemplate =
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + "
    "'<|im_end|>' + '\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% "
    "endif %}";

constexpr std::string_view kInstTemplate =
    "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}{{ '[INST] ' + "
    "message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ message['content'] + "
    "eos_token }}{% endif %}{% endfor %}";

using Word = std::vector<std::string>;  // symbols

// Learns up to `n_merges` merges over `words` (symbol sequences with counts), most frequent pair
// first, ties going to the smaller (left, right); stops early only when every word is one symbol.
std::vector<std::pair<std::string, std::string>> learn_merges(std::map<Word, int64_t> words,
                                                              int32_t n_merges) {
    std::vector<std::pair<std::string, std::string>> merges;
    for (int32_t m = 0; m < n_merges; ++m) {
        std::map<std::pair<std::string, std::string>, int64_t> counts;
        for (const auto& [word, count] : words) {
            for (size_t i = 0; i + 1 < word.size(); ++i)
                counts[{word[i], word[i + 1]}] += count;
        }
        const std::pair<std::string, std::string>* best = nullptr;
        int64_t best_count = 0;
        for (const auto& [pair, count] : counts) {
            if (count > best_count) {
                best = &pair;
                best_count = count;
            }
        }
        if (best == nullptr) break;
        const std::pair<std::string, std::string> merge = *best;
        std::map<Word, int64_t> merged;
        for (const auto& [word, count] : words) {
            Word next;
            for (size_t i = 0; i < word.size(); ++i) {
                if (i + 1 < word.size() && word[i] == merge.first && word[i + 1] == merge.second) {
                    next.push_back(merge.first + merge.second);
                    ++i;
                } else {
                    next.push_back(word[i]);
                }
            }
            merged[next] += count;
        }
        words = std::move(merged);
        merges.push_back(merge);
    }
    return merges;
}

json added_token(int64_t id, std::string_view content) {
    return json{{"id", id},        {"content", content},  {"single_word", false}, {"lstrip", false},
                {"rstrip", false}, {"normalized", false}, {"special", true}};
}

json bpe_model(const json& vocab, const std::vector<std::pair<std::string, std::string>>& merges,
               bool sentencepiece) {
    json merge_list = json::array();
    for (const auto& [left, right] : merges)
        merge_list.push_back(json::array({left, right}));
    return json{{"type", "BPE"},
                {"dropout", nullptr},
                {"unk_token", sentencepiece ? json("<unk>") : json(nullptr)},
                {"continuing_subword_prefix", nullptr},
                {"end_of_word_suffix", nullptr},
                {"fuse_unk", sentencepiece},
                {"byte_fallback", sentencepiece},
                {"ignore_merges", false},
                {"vocab", vocab},
                {"merges", merge_list}};
}

SynthTokenizerFiles byte_level(int32_t n_merges) {
    Result<Regex> regex = Regex::compile(kQwen2Regex);
    VELA_ASSERT(regex.ok(), "the built-in Qwen 2 regex compiles");
    PreTokenizer pre;
    pre.add_split(std::move(*regex), SplitBehavior::Isolated, false);
    std::map<Word, int64_t> words;
    for (const std::string& piece : pre.split(kSample, true)) {
        Word word;
        for (const char c : piece)
            word.emplace_back(1, c);
        ++words[word];
    }
    const auto merges = learn_merges(std::move(words), n_merges);

    json vocab = json::object();
    int64_t next_id = 0;
    for (int b = 0; b < 256; ++b)
        vocab[bytes_to_byte_level(std::string(1, static_cast<char>(b)))] = next_id++;
    std::vector<std::pair<std::string, std::string>> stored_merges;
    for (const auto& [left, right] : merges) {
        stored_merges.emplace_back(bytes_to_byte_level(left), bytes_to_byte_level(right));
        const std::string token = bytes_to_byte_level(left + right);
        if (!vocab.contains(token)) vocab[token] = next_id++;
    }
    json added = json::array();
    for (const std::string_view special : {"<|endoftext|>", "<|im_start|>", "<|im_end|>"}) {
        added.push_back(added_token(next_id++, special));
    }
    const json byte_level_step = {
        {"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", false}, {"use_regex", false}};
    const json tokenizer = {
        {"version", "1.0"},
        {"truncation", nullptr},
        {"padding", nullptr},
        {"added_tokens", added},
        {"normalizer", nullptr},
        {"pre_tokenizer",
         {{"type", "Sequence"},
          {"pretokenizers", json::array({json{{"type", "Split"},
                                              {"pattern", {{"Regex", kQwen2Regex}}},
                                              {"behavior", "Isolated"},
                                              {"invert", false}},
                                         byte_level_step})}}},
        {"post_processor", byte_level_step},
        {"decoder", byte_level_step},
        {"model", bpe_model(vocab, stored_merges, false)},
    };
    const json config = {{"add_bos_token", false},
                         {"add_eos_token", false},
                         {"bos_token", nullptr},
                         {"eos_token", "<|im_end|>"},
                         {"pad_token", "<|endoftext|>"},
                         {"unk_token", nullptr},
                         {"chat_template", kChatMlTemplate},
                         {"tokenizer_class", "Qwen2Tokenizer"},
                         {"model_max_length", 32768}};
    return {tokenizer.dump(2), config.dump(2)};
}

SynthTokenizerFiles sentencepiece(int32_t n_merges) {
    std::map<Word, int64_t> words;
    std::set<std::string> characters;
    size_t line_start = 0;
    const std::string_view sample = kSample;
    while (line_start < sample.size()) {
        size_t line_end = sample.find('\n', line_start);
        if (line_end == std::string_view::npos) line_end = sample.size();
        const std::string_view line = sample.substr(line_start, line_end - line_start);
        // Each space-separated word with the "▁" that the normalizer puts before it.
        size_t pos = 0;
        while (pos < line.size()) {
            size_t end = line.find(' ', pos);
            if (end == std::string_view::npos) end = line.size();
            if (end > pos) {
                const std::string text = std::string(kMetaspace) + std::string(line.substr(pos, end - pos));
                Word word;
                for (size_t i = 0; i < text.size();) {
                    const size_t n = utf8_char_length(text, i);
                    word.push_back(text.substr(i, n));
                    characters.insert(word.back());
                    i += n;
                }
                ++words[word];
            }
            pos = end + 1;
        }
        line_start = line_end + 1;
    }
    const auto merges = learn_merges(std::move(words), n_merges);

    json vocab = json::object();
    vocab["<unk>"] = 0;
    vocab["<s>"] = 1;
    vocab["</s>"] = 2;
    int64_t next_id = 3;
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (int b = 0; b < 256; ++b)
        vocab[std::string("<0x") + kHex[b >> 4] + kHex[b & 15] + ">"] = next_id++;
    for (const std::string& c : characters) {
        if (!vocab.contains(c)) vocab[c] = next_id++;
    }
    for (const auto& [left, right] : merges) {
        if (!vocab.contains(left + right)) vocab[left + right] = next_id++;
    }
    const json added = json::array({added_token(0, "<unk>"), added_token(1, "<s>"), added_token(2, "</s>")});
    const json template_item_bos = {{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}};
    const json tokenizer = {
        {"version", "1.0"},
        {"truncation", nullptr},
        {"padding", nullptr},
        {"added_tokens", added},
        {"normalizer",
         {{"type", "Sequence"},
          {"normalizers",
           json::array(
               {json{{"type", "Prepend"}, {"prepend", kMetaspace}},
                json{{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", kMetaspace}}})}}},
        {"pre_tokenizer", nullptr},
        {"post_processor",
         {{"type", "TemplateProcessing"},
          {"single", json::array({template_item_bos, json{{"Sequence", {{"id", "A"}, {"type_id", 0}}}}})},
          {"pair", json::array({template_item_bos, json{{"Sequence", {{"id", "A"}, {"type_id", 0}}}},
                                json{{"SpecialToken", {{"id", "<s>"}, {"type_id", 1}}}},
                                json{{"Sequence", {{"id", "B"}, {"type_id", 1}}}}})},
          {"special_tokens",
           {{"<s>", {{"id", "<s>"}, {"ids", json::array({1})}, {"tokens", json::array({"<s>"})}}}}}}},
        {"decoder",
         {{"type", "Sequence"},
          {"decoders",
           json::array({json{{"type", "Replace"}, {"pattern", {{"String", kMetaspace}}}, {"content", " "}},
                        json{{"type", "ByteFallback"}}, json{{"type", "Fuse"}},
                        json{{"type", "Strip"}, {"content", " "}, {"start", 1}, {"stop", 0}}})}}},
        {"model", bpe_model(vocab, merges, true)},
    };
    const json config = {
        {"add_bos_token", true},    {"add_eos_token", false},         {"bos_token", "<s>"},
        {"eos_token", "</s>"},      {"unk_token", "<unk>"},           {"pad_token", nullptr},
        {"legacy", true},           {"chat_template", kInstTemplate}, {"tokenizer_class", "LlamaTokenizer"},
        {"model_max_length", 32768}};
    return {tokenizer.dump(2), config.dump(2)};
}

Result<void> write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) return Error{Errc::Io, path.string() + ": could not be written"};
    return {};
}

}  // namespace

SynthTokenizerFiles synthesize_tokenizer(const SynthTokenizerOptions& options) {
    const int32_t n_merges = std::max<int32_t>(0, options.n_merges);
    return options.style == SynthVocabStyle::ByteLevel ? byte_level(n_merges) : sentencepiece(n_merges);
}

Result<void> write_synthesized_tokenizer(const SynthTokenizerOptions& options,
                                         const std::filesystem::path& folder) {
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    if (ec) return Error{Errc::Io, folder.string() + ": could not be created (" + ec.message() + ")"};
    const SynthTokenizerFiles files = synthesize_tokenizer(options);
    if (Result<void> r = write_file(folder / "tokenizer.json", files.tokenizer_json); !r) return r;
    return write_file(folder / "tokenizer_config.json", files.tokenizer_config_json);
}

}  // namespace vela::tokenizer

namespace vela {

Result<void> write_synthesized_tokenizer(const std::filesystem::path& folder, std::string_view style,
                                         int32_t n_merges) {
    tokenizer::SynthTokenizerOptions options;
    options.n_merges = n_merges;
    if (style == "byte-level") {
        options.style = tokenizer::SynthVocabStyle::ByteLevel;
    } else if (style == "sentencepiece") {
        options.style = tokenizer::SynthVocabStyle::SentencePiece;
    } else {
        return Error{Errc::InvalidArgument, "synthesized tokenizer style \"" + std::string(style) +
                                                "\" is unknown (use \"byte-level\" or \"sentencepiece\")"};
    }
    return tokenizer::write_synthesized_tokenizer(options, folder);
}

}  // namespace vela
