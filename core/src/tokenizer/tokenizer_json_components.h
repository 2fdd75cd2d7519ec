// The pipeline components of a tokenizer.json: normalizer, pre_tokenizer, decoder and post_processor
// objects turned into vela's Normalizer, PreTokenizer, decoded pieces and BOS/EOS template.
//
// Each parser accepts exactly the component types vela implements and throws LoadError (see
// json_util.h) with Unsupported for any other, naming the type and listing the ones it knows, so a
// tokenizer is either reproduced exactly or refused.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "tokenizer/normalizer.h"
#include "tokenizer/pre_tokenizer.h"
#include "tokenizer/tokenizer_data.h"

namespace vela::tokenizer {

/// Facts about a parsed pre_tokenizer that the rest of loading needs.
struct PreTokenizerFacts {
    bool byte_level = false;  // a ByteLevel step: the model works on bytes
};

/// Adds the steps of tokenizer.json `normalizer` (may be null) to `out`.
void parse_normalizer(const nlohmann::json& node, Normalizer& out);

/// Adds the steps of tokenizer.json `pre_tokenizer` (may be null) to `out`.
void parse_pre_tokenizer(const nlohmann::json& node, PreTokenizer& out, PreTokenizerFacts& facts);

/// Fills data.pieces and the leading-space rule from tokenizer.json `decoder`; `is_added[id]` marks
/// added tokens (a ByteLevel decoder writes them verbatim).
void parse_decoder(const nlohmann::json& node, const std::vector<bool>& is_added,
                   detail::TokenizerData& data);

/// Fills data.prefix_ids / suffix_ids from tokenizer.json `post_processor` (may be null).
void parse_post_processor(const nlohmann::json& node, detail::TokenizerData& data);

}  // namespace vela::tokenizer
