// The request fields chat and legacy completion requests share (sampling, stopping, stream options,
// response_format), read and written in one place so the two codecs agree.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "codec/json_reader.h"
#include "vela/openai/chat_request.h"

namespace vela::openai::codec {

/// The shared fields as read from a request.
struct SamplingRead {
    std::optional<float> temperature;
    std::optional<float> top_p;
    std::optional<int32_t> top_k;
    std::optional<float> min_p;
    std::optional<float> repetition_penalty;
    std::optional<float> presence_penalty;
    std::optional<float> frequency_penalty;
    std::optional<int32_t> repeat_last_n;
    std::map<TokenId, float> logit_bias;
    std::optional<int64_t> seed;
    std::optional<int32_t> n;
    std::optional<int32_t> best_of;
    std::optional<bool> use_beam_search;
    std::vector<std::string> stop;
    std::vector<TokenId> stop_token_ids;
    std::optional<bool> ignore_eos;
    std::optional<bool> skip_special_tokens;
    std::optional<StreamOptions> stream_options;
};

/// The shared fields of a request being written (references into the request).
struct SamplingWrite {
    const std::optional<float>& temperature;
    const std::optional<float>& top_p;
    const std::optional<int32_t>& top_k;
    const std::optional<float>& min_p;
    const std::optional<float>& repetition_penalty;
    const std::optional<float>& presence_penalty;
    const std::optional<float>& frequency_penalty;
    const std::optional<int32_t>& repeat_last_n;
    const std::map<TokenId, float>& logit_bias;
    const std::optional<int64_t>& seed;
    const std::optional<int32_t>& n;
    const std::optional<int32_t>& best_of;
    const std::optional<bool>& use_beam_search;
    const std::vector<std::string>& stop;
    const std::vector<TokenId>& stop_token_ids;
    const std::optional<bool>& ignore_eos;
    const std::optional<bool>& skip_special_tokens;
    const std::optional<StreamOptions>& stream_options;
};

/// Reads the shared fields of request object `r`.
SamplingRead read_sampling(const ObjectReader& r);
/// Writes the set shared fields into `j`.
void write_sampling(Json& j, const SamplingWrite& s);
/// Reads a response_format object found at `path`.
ResponseFormat parse_response_format(const Json& value, const std::string& path);
/// The response_format object.
Json response_format_json(const ResponseFormat& format);

}  // namespace vela::openai::codec
