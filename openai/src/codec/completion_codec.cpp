// Legacy Completions request, response and chunk <-> JSON.
#include <string>

#include "codec/json_reader.h"
#include "codec/request_fields.h"
#include "codec/response_fields.h"
#include "vela/openai/codec.h"

namespace vela::openai {
namespace {

using codec::fail;
using codec::Json;
using codec::ObjectReader;

std::vector<TokenId> token_list(const Json& list, const std::string& path) {
    std::vector<TokenId> out;
    for (size_t i = 0; i < list.size(); ++i) {
        const Json& t = list[i];
        if (!t.is_number_integer() && !t.is_number_unsigned()) {
            fail("Invalid type for '" + path + "[" + std::to_string(i) + "]': expected a token id, but got " +
                     codec::type_phrase(t) + " instead.",
                 path, "invalid_type");
        }
        const int64_t id = t.get<int64_t>();
        if (id < 0 || id > INT32_MAX) fail("prompt token id out of range", path, "invalid_value");
        out.push_back(static_cast<TokenId>(id));
    }
    return out;
}

// "prompt": a string, a list of strings, a list of token ids, or a list of token-id lists.
std::vector<CompletionPrompt> parse_prompts(const Json& prompt) {
    if (prompt.is_string()) return {CompletionPrompt{prompt.get<std::string>(), {}, false}};
    if (!prompt.is_array()) {
        fail(
            "Invalid type for 'prompt': expected a string, an array of strings or an array of token ids, but "
            "got " +
                codec::type_phrase(prompt) + " instead.",
            "prompt", "invalid_type");
    }
    if (prompt.empty()) return {};
    if (prompt[0].is_number()) return {CompletionPrompt{{}, token_list(prompt, "prompt"), true}};
    std::vector<CompletionPrompt> out;
    for (size_t i = 0; i < prompt.size(); ++i) {
        const Json& p = prompt[i];
        const std::string at = "prompt[" + std::to_string(i) + "]";
        if (p.is_string()) {
            out.push_back(CompletionPrompt{p.get<std::string>(), {}, false});
        } else if (p.is_array()) {
            out.push_back(CompletionPrompt{{}, token_list(p, at), true});
        } else {
            fail("Invalid type for '" + at + "': expected a string or an array of token ids, but got " +
                     codec::type_phrase(p) + " instead.",
                 at, "invalid_type");
        }
    }
    return out;
}

Json prompts_json(const std::vector<CompletionPrompt>& prompts) {
    auto one = [](const CompletionPrompt& p) { return p.is_tokens ? Json(p.tokens) : Json(p.text); };
    if (prompts.size() == 1) return one(prompts[0]);
    Json out = Json::array();
    for (const CompletionPrompt& p : prompts)
        out.push_back(one(p));
    if (out.empty()) return "";
    return out;
}

Json legacy_logprobs_json(const std::optional<CompletionLogprobs>& lp) {
    if (!lp) return nullptr;
    Json token_logprobs = Json::array();
    for (const auto& v : lp->token_logprobs)
        token_logprobs.push_back(v ? Json(*v) : Json(nullptr));
    Json top = Json::array();
    for (const auto& entry : lp->top_logprobs) {
        if (!entry) {
            top.push_back(nullptr);
            continue;
        }
        Json map = Json::object();
        for (const auto& [token, logprob] : *entry)
            map[token] = logprob;
        top.push_back(std::move(map));
    }
    return Json{{"tokens", lp->tokens},
                {"token_logprobs", token_logprobs},
                {"top_logprobs", top},
                {"text_offset", lp->text_offset}};
}

std::optional<CompletionLogprobs> read_legacy_logprobs(const ObjectReader& choice) {
    const Json* lp = choice.find("logprobs");
    if (!lp) return std::nullopt;
    ObjectReader r(*lp, choice.param("logprobs"));
    CompletionLogprobs out;
    out.tokens = r.string_or_list("tokens");
    if (const Json* v = r.find("token_logprobs")) {
        for (const Json& x : *v)
            out.token_logprobs.push_back(x.is_number() ? std::optional(x.get<double>()) : std::nullopt);
    }
    if (const Json* v = r.find("top_logprobs")) {
        for (const Json& x : *v) {
            if (!x.is_object()) {
                out.top_logprobs.push_back(std::nullopt);
                continue;
            }
            std::vector<std::pair<std::string, double>> entry;
            for (const auto& [token, logprob] : x.items())
                entry.emplace_back(token, logprob.get<double>());
            out.top_logprobs.push_back(std::move(entry));
        }
    }
    for (const int64_t offset : r.integer_list("text_offset"))
        out.text_offset.push_back(static_cast<int32_t>(offset));
    return out;
}

Json choices_json(const std::vector<CompletionChoice>& choices) {
    Json out = Json::array();
    for (const CompletionChoice& c : choices) {
        out.push_back(Json{{"text", c.text},
                           {"index", c.index},
                           {"logprobs", legacy_logprobs_json(c.logprobs)},
                           {"finish_reason", codec::finish_json(c.finish_reason)}});
    }
    return out;
}

std::vector<CompletionChoice> read_choices(const ObjectReader& r) {
    std::vector<CompletionChoice> out;
    const Json* choices = r.find("choices");
    if (!choices) return out;
    for (size_t i = 0; i < choices->size(); ++i) {
        ObjectReader c((*choices)[i], "choices[" + std::to_string(i) + "]");
        CompletionChoice choice;
        choice.index = c.int32("index").value_or(0);
        choice.text = c.string("text").value_or("");
        choice.logprobs = read_legacy_logprobs(c);
        choice.finish_reason = codec::read_finish(c);
        out.push_back(std::move(choice));
    }
    return out;
}

}  // namespace

ApiResult<CompletionRequest> parse_completion_request(std::string_view text) {
    try {
        const Json doc = codec::parse_document(text, "request body");
        ObjectReader r(doc, "");
        CompletionRequest q;
        q.model = r.string("model").value_or("");
        const Json* prompt = r.find("prompt");
        if (!prompt) fail("Missing required parameter: 'prompt'.", "prompt", "missing_required_parameter");
        q.prompts = parse_prompts(*prompt);
        q.suffix = r.string("suffix");
        codec::SamplingRead s = codec::read_sampling(r);
        q.temperature = s.temperature;
        q.top_p = s.top_p;
        q.top_k = s.top_k;
        q.min_p = s.min_p;
        q.repetition_penalty = s.repetition_penalty;
        q.presence_penalty = s.presence_penalty;
        q.frequency_penalty = s.frequency_penalty;
        q.repeat_last_n = s.repeat_last_n;
        q.logit_bias = std::move(s.logit_bias);
        q.seed = s.seed;
        q.n = s.n;
        q.best_of = s.best_of;
        q.use_beam_search = s.use_beam_search;
        q.stop = std::move(s.stop);
        q.stop_token_ids = std::move(s.stop_token_ids);
        q.ignore_eos = s.ignore_eos;
        q.skip_special_tokens = s.skip_special_tokens;
        q.stream_options = s.stream_options;
        q.max_tokens = r.int32("max_tokens");
        q.stream = r.boolean("stream").value_or(false);
        q.logprobs = r.int32("logprobs");
        q.echo = r.boolean("echo");
        if (const Json* f = r.find("response_format"))
            q.response_format = codec::parse_response_format(*f, "response_format");
        q.user = r.string("user");
        q.conversation_id = r.string("conversation_id");
        q.resource_id = r.string("resource_id");
        if (auto check = validate(q); !check) return std::move(check).error();
        return q;
    } catch (const codec::CodecError& e) {
        return e.error;
    } catch (const std::exception& e) {
        return OpenAIError::invalid_request(std::string("the request body could not be read: ") + e.what());
    }
}

std::string to_json(const CompletionRequest& q) {
    Json j = Json::object();
    j["model"] = q.model;
    j["prompt"] = prompts_json(q.prompts);
    if (q.suffix) j["suffix"] = *q.suffix;
    codec::write_sampling(
        j, codec::SamplingWrite{q.temperature, q.top_p, q.top_k, q.min_p, q.repetition_penalty,
                                q.presence_penalty, q.frequency_penalty, q.repeat_last_n, q.logit_bias,
                                q.seed, q.n, q.best_of, q.use_beam_search, q.stop, q.stop_token_ids,
                                q.ignore_eos, q.skip_special_tokens, q.stream_options});
    if (q.max_tokens) j["max_tokens"] = *q.max_tokens;
    if (q.stream) j["stream"] = true;
    if (q.logprobs) j["logprobs"] = *q.logprobs;
    if (q.echo) j["echo"] = *q.echo;
    if (q.response_format) j["response_format"] = codec::response_format_json(*q.response_format);
    if (q.user) j["user"] = *q.user;
    if (q.conversation_id) j["conversation_id"] = *q.conversation_id;
    if (q.resource_id) j["resource_id"] = *q.resource_id;
    return codec::dump(j);
}

std::string to_json(const CompletionResponse& r) {
    Json j{{"id", r.id}, {"object", "text_completion"}, {"created", r.created}, {"model", r.model}};
    j["choices"] = choices_json(r.choices);
    j["usage"] = codec::usage_json(r.usage);
    j["system_fingerprint"] = codec::nullable(r.system_fingerprint);
    return codec::dump(j);
}

std::string to_json(const CompletionChunk& c) {
    Json j{{"id", c.id}, {"object", "text_completion"}, {"created", c.created}, {"model", c.model}};
    j["choices"] = choices_json(c.choices);
    j["system_fingerprint"] = codec::nullable(c.system_fingerprint);
    if (c.usage) {
        j["usage"] = codec::usage_json(*c.usage);
    } else if (c.include_usage) {
        j["usage"] = nullptr;
    }
    return codec::dump(j);
}

ApiResult<CompletionResponse> parse_completion_response(std::string_view text) {
    try {
        const Json doc = codec::parse_document(text, "response");
        ObjectReader r(doc, "");
        CompletionResponse out;
        out.id = r.required_string("id");
        out.created = r.integer("created").value_or(0);
        out.model = r.string("model").value_or("");
        out.choices = read_choices(r);
        if (const Json* usage = r.find("usage")) out.usage = codec::read_usage(*usage, "usage");
        out.system_fingerprint = r.string("system_fingerprint");
        return out;
    } catch (const codec::CodecError& e) {
        return e.error;
    } catch (const std::exception& e) {
        return OpenAIError::invalid_request(std::string("the response could not be read: ") + e.what());
    }
}

ApiResult<CompletionChunk> parse_completion_chunk(std::string_view text) {
    try {
        const Json doc = codec::parse_document(text, "chunk");
        ObjectReader r(doc, "");
        CompletionChunk out;
        out.id = r.required_string("id");
        out.created = r.integer("created").value_or(0);
        out.model = r.string("model").value_or("");
        out.choices = read_choices(r);
        out.system_fingerprint = r.string("system_fingerprint");
        out.include_usage = doc.contains("usage");
        if (const Json* usage = r.find("usage")) out.usage = codec::read_usage(*usage, "usage");
        return out;
    } catch (const codec::CodecError& e) {
        return e.error;
    } catch (const std::exception& e) {
        return OpenAIError::invalid_request(std::string("the chunk could not be read: ") + e.what());
    }
}

}  // namespace vela::openai
