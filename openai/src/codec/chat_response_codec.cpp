// Chat completion responses, chunks, usage, logprobs and the error object <-> JSON.
//
// Written exactly as OpenAI's schemas lay them out: every required key present (content, logprobs,
// finish_reason and system_fingerprint written as null when empty; "refusal": null in messages and
// logprobs), reasoning text under both "reasoning_content" and "reasoning", a tool call's first delta
// with "type": "function" beside its id. Reading accepts what writing produces and what OpenAI sends.
#include <array>
#include <string>

#include "codec/json_reader.h"
#include "codec/response_fields.h"
#include "vela/openai/codec.h"

namespace vela::openai {
namespace {

using codec::fail;
using codec::Json;
using codec::ObjectReader;

constexpr std::array<std::pair<std::string_view, ChoiceFinishReason>, 5> kFinish = {{
    {"stop", ChoiceFinishReason::Stop},
    {"length", ChoiceFinishReason::Length},
    {"tool_calls", ChoiceFinishReason::ToolCalls},
    {"content_filter", ChoiceFinishReason::ContentFilter},
    {"function_call", ChoiceFinishReason::FunctionCall},
}};

Json bytes_json(const std::vector<uint8_t>& bytes) {
    Json out = Json::array();
    for (const uint8_t b : bytes)
        out.push_back(b);
    return out;
}

std::vector<uint8_t> read_bytes(const ObjectReader& r) {
    std::vector<uint8_t> out;
    for (const int64_t b : r.integer_list("bytes")) {
        if (b < 0 || b > 255) fail("byte value out of range", r.param("bytes"), "invalid_value");
        out.push_back(static_cast<uint8_t>(b));
    }
    return out;
}

Json tool_calls_json(const std::vector<ToolCall>& calls) {
    Json out = Json::array();
    for (const ToolCall& c : calls) {
        out.push_back(Json{{"id", c.id},
                           {"type", "function"},
                           {"function", {{"name", c.name}, {"arguments", c.arguments}}}});
    }
    return out;
}

std::vector<ToolCall> read_tool_calls(const Json& calls, const std::string& path) {
    std::vector<ToolCall> out;
    for (size_t i = 0; i < calls.size(); ++i) {
        ObjectReader c(calls[i], path + "[" + std::to_string(i) + "]");
        ToolCall call;
        call.id = c.string("id").value_or("");
        const Json* fn = c.find("function");
        if (!fn) fail("tool call without a function", c.param("function"));
        ObjectReader f(*fn, c.param("function"));
        call.name = f.string("name").value_or("");
        call.arguments = f.string("arguments").value_or("");
        out.push_back(std::move(call));
    }
    return out;
}

std::optional<std::string> reasoning_of(const ObjectReader& r) {
    auto text = r.string("reasoning_content");
    return text ? text : r.string("reasoning");
}

Json delta_json(const ChatDelta& d) {
    Json j = Json::object();
    if (d.role) j["role"] = "assistant";
    if (d.content) j["content"] = *d.content;
    if (d.reasoning_content) {
        j["reasoning_content"] = *d.reasoning_content;
        j["reasoning"] = *d.reasoning_content;
    }
    if (!d.tool_calls.empty()) {
        Json calls = Json::array();
        for (const ToolCallDelta& t : d.tool_calls) {
            Json c{{"index", t.index}};
            if (t.id) {
                c["id"] = *t.id;
                c["type"] = "function";
            }
            Json fn = Json::object();
            if (t.name) fn["name"] = *t.name;
            if (t.arguments) fn["arguments"] = *t.arguments;
            c["function"] = fn;
            calls.push_back(std::move(c));
        }
        j["tool_calls"] = calls;
    }
    return j;
}

ChatDelta read_delta(const ObjectReader& r) {
    ChatDelta d;
    d.role = r.string("role").has_value();
    d.content = r.string("content");
    d.reasoning_content = reasoning_of(r);
    if (const Json* calls = r.find("tool_calls")) {
        for (size_t i = 0; i < calls->size(); ++i) {
            ObjectReader c((*calls)[i], r.param("tool_calls") + "[" + std::to_string(i) + "]");
            ToolCallDelta t;
            t.index = c.int32("index").value_or(0);
            t.id = c.string("id");
            if (const Json* fn = c.find("function")) {
                ObjectReader f(*fn, c.param("function"));
                t.name = f.string("name");
                t.arguments = f.string("arguments");
            }
            d.tool_calls.push_back(std::move(t));
        }
    }
    return d;
}

void write_common(Json& j, const std::string& id, const char* object, int64_t created,
                  const std::string& model) {
    j["id"] = id;
    j["object"] = object;
    j["created"] = created;
    j["model"] = model;
}

}  // namespace

namespace codec {

Json finish_json(const std::optional<ChoiceFinishReason>& reason) {
    if (!reason) return nullptr;
    return to_string(*reason);
}

std::optional<ChoiceFinishReason> read_finish(const ObjectReader& r) {
    auto text = r.string("finish_reason");
    if (!text) return std::nullopt;
    for (const auto& [wire, reason] : kFinish) {
        if (wire == *text) return reason;
    }
    fail("unknown finish_reason '" + *text + "'", r.param("finish_reason"), "invalid_value");
}

Json usage_json(const Usage& u) {
    Json j{{"prompt_tokens", u.prompt_tokens},
           {"completion_tokens", u.completion_tokens},
           {"total_tokens", u.total_tokens}};
    if (u.cached_tokens) j["prompt_tokens_details"] = Json{{"cached_tokens", *u.cached_tokens}};
    if (u.reasoning_tokens) j["completion_tokens_details"] = Json{{"reasoning_tokens", *u.reasoning_tokens}};
    if (u.request_id) j["request_id"] = *u.request_id;
    if (u.created) j["created"] = *u.created;
    if (u.prompt_time_costs) j["prompt_time_costs"] = *u.prompt_time_costs;
    if (u.completion_time_costs) j["completion_time_costs"] = *u.completion_time_costs;
    return j;
}

Usage read_usage(const Json& value, const std::string& path) {
    ObjectReader r(value, path);
    Usage u;
    u.prompt_tokens = r.integer("prompt_tokens").value_or(0);
    u.completion_tokens = r.integer("completion_tokens").value_or(0);
    u.total_tokens = r.integer("total_tokens").value_or(0);
    if (const Json* d = r.find("prompt_tokens_details")) {
        u.cached_tokens = ObjectReader(*d, r.param("prompt_tokens_details")).integer("cached_tokens");
    }
    if (const Json* d = r.find("completion_tokens_details")) {
        u.reasoning_tokens =
            ObjectReader(*d, r.param("completion_tokens_details")).integer("reasoning_tokens");
    }
    u.request_id = r.string("request_id");
    u.created = r.integer("created");
    u.prompt_time_costs = r.number("prompt_time_costs");
    u.completion_time_costs = r.number("completion_time_costs");
    return u;
}

Json logprobs_json(const std::optional<ChoiceLogprobs>& logprobs) {
    if (!logprobs) return nullptr;
    Json content = Json::array();
    for (const LogprobEntry& e : logprobs->content) {
        Json top = Json::array();
        for (const TopLogprobEntry& t : e.top_logprobs) {
            top.push_back(Json{{"token", t.token}, {"logprob", t.logprob}, {"bytes", bytes_json(t.bytes)}});
        }
        content.push_back(Json{{"token", e.token},
                               {"logprob", e.logprob},
                               {"bytes", bytes_json(e.bytes)},
                               {"top_logprobs", top}});
    }
    return Json{{"content", content}, {"refusal", nullptr}};
}

std::optional<ChoiceLogprobs> read_logprobs(const ObjectReader& choice) {
    const Json* lp = choice.find("logprobs");
    if (!lp) return std::nullopt;
    ObjectReader r(*lp, choice.param("logprobs"));
    ChoiceLogprobs out;
    if (const Json* content = r.find("content")) {
        for (size_t i = 0; i < content->size(); ++i) {
            ObjectReader e((*content)[i], r.param("content") + "[" + std::to_string(i) + "]");
            LogprobEntry entry;
            entry.token = e.string("token").value_or("");
            entry.logprob = e.number("logprob").value_or(0.0);
            entry.bytes = read_bytes(e);
            if (const Json* top = e.find("top_logprobs")) {
                for (size_t k = 0; k < top->size(); ++k) {
                    ObjectReader t((*top)[k], e.param("top_logprobs") + "[" + std::to_string(k) + "]");
                    entry.top_logprobs.push_back(TopLogprobEntry{
                        t.string("token").value_or(""), t.number("logprob").value_or(0.0), read_bytes(t)});
                }
            }
            out.content.push_back(std::move(entry));
        }
    }
    return out;
}

Json nullable(const std::optional<std::string>& text) {
    if (!text) return nullptr;
    return *text;
}

}  // namespace codec

std::string to_json(const ChatCompletionResponse& r) {
    Json j = Json::object();
    write_common(j, r.id, "chat.completion", r.created, r.model);
    Json choices = Json::array();
    for (const ChatChoice& c : r.choices) {
        Json message{
            {"role", "assistant"}, {"content", codec::nullable(c.message.content)}, {"refusal", nullptr}};
        if (c.message.reasoning_content) {
            message["reasoning_content"] = *c.message.reasoning_content;
            message["reasoning"] = *c.message.reasoning_content;
        }
        if (!c.message.tool_calls.empty()) message["tool_calls"] = tool_calls_json(c.message.tool_calls);
        choices.push_back(Json{{"index", c.index},
                               {"message", message},
                               {"logprobs", codec::logprobs_json(c.logprobs)},
                               {"finish_reason", to_string(c.finish_reason)}});
    }
    j["choices"] = choices;
    j["usage"] = codec::usage_json(r.usage);
    j["system_fingerprint"] = codec::nullable(r.system_fingerprint);
    if (r.conversation_id) j["conversation_id"] = *r.conversation_id;
    if (r.resource_id) j["resource_id"] = *r.resource_id;
    return codec::dump(j);
}

std::string to_json(const ChatCompletionChunk& c) {
    Json j = Json::object();
    write_common(j, c.id, "chat.completion.chunk", c.created, c.model);
    j["system_fingerprint"] = codec::nullable(c.system_fingerprint);
    Json choices = Json::array();
    for (const ChunkChoice& choice : c.choices) {
        choices.push_back(Json{{"index", choice.index},
                               {"delta", delta_json(choice.delta)},
                               {"logprobs", codec::logprobs_json(choice.logprobs)},
                               {"finish_reason", codec::finish_json(choice.finish_reason)}});
    }
    j["choices"] = choices;
    if (c.usage) {
        j["usage"] = codec::usage_json(*c.usage);
    } else if (c.include_usage) {
        j["usage"] = nullptr;
    }
    if (c.conversation_id) j["conversation_id"] = *c.conversation_id;
    if (c.resource_id) j["resource_id"] = *c.resource_id;
    if (c.candle_metadata_json) j["candle_metadata"] = codec::json_from_text(c.candle_metadata_json);
    return codec::dump(j);
}

std::string to_json(const Usage& usage) {
    return codec::dump(codec::usage_json(usage));
}

std::string to_json(const OpenAIError& e) {
    Json inner{{"message", e.message},
               {"type", e.type},
               {"param", codec::nullable(e.param)},
               {"code", codec::nullable(e.code)}};
    return codec::dump(Json{{"error", inner}});
}

ApiResult<ChatCompletionResponse> parse_chat_completion_response(std::string_view text) {
    try {
        const Json doc = codec::parse_document(text, "response");
        ObjectReader r(doc, "");
        ChatCompletionResponse out;
        out.id = r.required_string("id");
        out.created = r.integer("created").value_or(0);
        out.model = r.string("model").value_or("");
        if (const Json* choices = r.find("choices")) {
            for (size_t i = 0; i < choices->size(); ++i) {
                ObjectReader c((*choices)[i], "choices[" + std::to_string(i) + "]");
                ChatChoice choice;
                choice.index = c.int32("index").value_or(0);
                const Json* m = c.find("message");
                if (!m) fail("choice without a message", c.param("message"));
                ObjectReader message(*m, c.param("message"));
                choice.message.content = message.string("content");
                choice.message.reasoning_content = reasoning_of(message);
                if (const Json* calls = message.find("tool_calls")) {
                    choice.message.tool_calls = read_tool_calls(*calls, message.param("tool_calls"));
                }
                choice.logprobs = codec::read_logprobs(c);
                choice.finish_reason = codec::read_finish(c).value_or(ChoiceFinishReason::Stop);
                out.choices.push_back(std::move(choice));
            }
        }
        if (const Json* usage = r.find("usage")) out.usage = codec::read_usage(*usage, "usage");
        out.system_fingerprint = r.string("system_fingerprint");
        out.conversation_id = r.string("conversation_id");
        out.resource_id = r.string("resource_id");
        return out;
    } catch (const codec::CodecError& e) {
        return e.error;
    } catch (const std::exception& e) {
        return OpenAIError::invalid_request(std::string("the response could not be read: ") + e.what());
    }
}

ApiResult<ChatCompletionChunk> parse_chat_completion_chunk(std::string_view text) {
    try {
        const Json doc = codec::parse_document(text, "chunk");
        ObjectReader r(doc, "");
        ChatCompletionChunk out;
        out.id = r.required_string("id");
        out.created = r.integer("created").value_or(0);
        out.model = r.string("model").value_or("");
        out.system_fingerprint = r.string("system_fingerprint");
        if (const Json* choices = r.find("choices")) {
            for (size_t i = 0; i < choices->size(); ++i) {
                ObjectReader c((*choices)[i], "choices[" + std::to_string(i) + "]");
                ChunkChoice choice;
                choice.index = c.int32("index").value_or(0);
                if (const Json* d = c.find("delta"))
                    choice.delta = read_delta(ObjectReader(*d, c.param("delta")));
                choice.logprobs = codec::read_logprobs(c);
                choice.finish_reason = codec::read_finish(c);
                out.choices.push_back(std::move(choice));
            }
        }
        out.include_usage = doc.contains("usage");
        if (const Json* usage = r.find("usage")) out.usage = codec::read_usage(*usage, "usage");
        out.conversation_id = r.string("conversation_id");
        out.resource_id = r.string("resource_id");
        out.candle_metadata_json = r.json_text("candle_metadata");
        return out;
    } catch (const codec::CodecError& e) {
        return e.error;
    } catch (const std::exception& e) {
        return OpenAIError::invalid_request(std::string("the chunk could not be read: ") + e.what());
    }
}

std::optional<OpenAIError> parse_error(std::string_view text, int status) {
    try {
        const Json doc = Json::parse(text.begin(), text.end(), nullptr, false);
        if (doc.is_discarded() || !doc.is_object() || !doc.contains("error")) return std::nullopt;
        ObjectReader e(doc["error"], "error");
        OpenAIError out;
        out.status = status;
        out.message = e.string("message").value_or("");
        out.type = e.string("type").value_or("");
        out.param = e.string("param");
        out.code = e.string("code");
        return out;
    } catch (const codec::CodecError&) {
        return std::nullopt;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

}  // namespace vela::openai
