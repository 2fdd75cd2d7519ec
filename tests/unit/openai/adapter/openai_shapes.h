// Checks that JSON the adapter emits has OpenAI's Chat Completions shapes: the required keys with
// their types, as the OpenAI API reference lists them for chat.completion, chat.completion.chunk and
// the error object (nullable keys may be null). Each check appends what is wrong to `problems`, so a
// test prints every defect of a document at once.
#pragma once

#include <nlohmann/json.hpp>

#include <set>
#include <string>

namespace vela::testing {

using OJson = nlohmann::json;

inline void require(bool ok, const std::string& what, std::string& problems) {
    if (!ok) problems += what + "; ";
}

inline void check_usage_shape(const OJson& u, const std::string& at, std::string& problems) {
    require(u.is_object(), at + " is not an object", problems);
    if (!u.is_object()) return;
    for (const char* key : {"prompt_tokens", "completion_tokens", "total_tokens"})
        require(u.contains(key) && u[key].is_number_integer(), at + "." + key + " is not an integer",
                problems);
    if (u.contains("total_tokens") && u.contains("prompt_tokens") && u.contains("completion_tokens")) {
        require(
            u["total_tokens"] == u["prompt_tokens"].get<int64_t>() + u["completion_tokens"].get<int64_t>(),
            at + ".total_tokens != prompt + completion", problems);
    }
    if (u.contains("completion_tokens_details")) {
        require(u["completion_tokens_details"].is_object() &&
                    u["completion_tokens_details"]["reasoning_tokens"].is_number_integer(),
                at + ".completion_tokens_details.reasoning_tokens is not an integer", problems);
    }
}

inline void check_logprobs_shape(const OJson& lp, const std::string& at, std::string& problems) {
    if (lp.is_null()) return;
    require(lp.is_object() && lp.contains("content") && lp["content"].is_array(),
            at + ".content is not an array", problems);
    if (!lp.is_object() || !lp["content"].is_array()) return;
    for (const OJson& e : lp["content"]) {
        require(e["token"].is_string(), at + " entry token is not a string", problems);
        require(e["logprob"].is_number() && e["logprob"].get<double>() <= 0.0,
                at + " entry logprob is not a number <= 0", problems);
        require(e["bytes"].is_null() || e["bytes"].is_array(), at + " entry bytes is not a list", problems);
        require(e["top_logprobs"].is_array(), at + " entry top_logprobs is not a list", problems);
        for (const OJson& t : e["top_logprobs"]) {
            require(t["token"].is_string() && t["logprob"].is_number() &&
                        (t["bytes"].is_null() || t["bytes"].is_array()),
                    at + " top_logprobs entry has the wrong shape", problems);
        }
    }
}

inline void check_common_shape(const OJson& j, const std::string& object, std::string& problems) {
    require(j.is_object(), "not an object", problems);
    if (!j.is_object()) return;
    require(j.contains("id") && j["id"].is_string() && !j["id"].get<std::string>().empty(), "id", problems);
    require(j.contains("object") && j["object"] == object, "object is not " + object, problems);
    require(j.contains("created") && j["created"].is_number_integer(), "created is not an integer", problems);
    require(j.contains("model") && j["model"].is_string(), "model is not a string", problems);
    require(j.contains("choices") && j["choices"].is_array(), "choices is not a list", problems);
    if (j.contains("system_fingerprint")) {
        require(j["system_fingerprint"].is_null() || j["system_fingerprint"].is_string(),
                "system_fingerprint", problems);
    }
}

inline const std::set<std::string>& finish_reasons() {
    static const std::set<std::string> reasons{"stop", "length", "tool_calls", "content_filter",
                                               "function_call"};
    return reasons;
}

inline void check_tool_call_shape(const OJson& c, const std::string& at, std::string& problems) {
    require(c["id"].is_string() && !c["id"].get<std::string>().empty(), at + ".id", problems);
    require(c["type"] == "function", at + ".type is not function", problems);
    require(c["function"].is_object() && c["function"]["name"].is_string() &&
                c["function"]["arguments"].is_string(),
            at + ".function needs string name and arguments", problems);
}

/// The defects of a chat.completion object ("" when none).
inline std::string chat_completion_shape_problems(const OJson& j) {
    std::string problems;
    check_common_shape(j, "chat.completion", problems);
    if (!problems.empty()) return problems;
    for (size_t i = 0; i < j["choices"].size(); ++i) {
        const OJson& c = j["choices"][i];
        const std::string at = "choices[" + std::to_string(i) + "]";
        require(c["index"].is_number_integer(), at + ".index", problems);
        require(c["finish_reason"].is_string() &&
                    finish_reasons().contains(c["finish_reason"].get<std::string>()),
                at + ".finish_reason", problems);
        require(c.contains("logprobs"), at + ".logprobs is missing", problems);
        check_logprobs_shape(c["logprobs"], at + ".logprobs", problems);
        const OJson& m = c["message"];
        require(m.is_object() && m["role"] == "assistant", at + ".message.role is not assistant", problems);
        require(m.contains("content") && (m["content"].is_null() || m["content"].is_string()),
                at + ".message.content is not a string or null", problems);
        if (m.contains("tool_calls")) {
            require(m["tool_calls"].is_array() && !m["tool_calls"].empty(), at + ".message.tool_calls",
                    problems);
            for (const OJson& call : m["tool_calls"])
                check_tool_call_shape(call, at + ".message.tool_calls[]", problems);
        }
    }
    require(j.contains("usage"), "usage is missing", problems);
    if (j.contains("usage")) check_usage_shape(j["usage"], "usage", problems);
    return problems;
}

/// The defects of a chat.completion.chunk object ("" when none).
inline std::string chunk_shape_problems(const OJson& j) {
    std::string problems;
    check_common_shape(j, "chat.completion.chunk", problems);
    if (!problems.empty()) return problems;
    for (size_t i = 0; i < j["choices"].size(); ++i) {
        const OJson& c = j["choices"][i];
        const std::string at = "choices[" + std::to_string(i) + "]";
        require(c["index"].is_number_integer(), at + ".index", problems);
        require(c.contains("finish_reason") &&
                    (c["finish_reason"].is_null() ||
                     (c["finish_reason"].is_string() &&
                      finish_reasons().contains(c["finish_reason"].get<std::string>()))),
                at + ".finish_reason", problems);
        require(c["delta"].is_object(), at + ".delta is not an object", problems);
        const OJson& d = c["delta"];
        if (d.contains("role")) require(d["role"] == "assistant", at + ".delta.role", problems);
        if (d.contains("content"))
            require(d["content"].is_null() || d["content"].is_string(), at + ".delta.content", problems);
        if (d.contains("tool_calls")) {
            require(d["tool_calls"].is_array(), at + ".delta.tool_calls", problems);
            for (const OJson& t : d["tool_calls"]) {
                require(t["index"].is_number_integer(), at + ".delta.tool_calls[].index", problems);
                if (t.contains("id")) {
                    require(t["id"].is_string() && t["type"] == "function" &&
                                t["function"]["name"].is_string() && t["function"]["arguments"] == "",
                            at + ".delta.tool_calls[]: a call's first delta needs id, type, name and \"\" "
                                 "arguments",
                            problems);
                } else {
                    require(!t.contains("type") && t["function"]["arguments"].is_string() &&
                                !t["function"].contains("name"),
                            at + ".delta.tool_calls[]: a later delta carries only arguments", problems);
                }
            }
        }
        if (c.contains("logprobs")) check_logprobs_shape(c["logprobs"], at + ".logprobs", problems);
    }
    if (j.contains("usage") && !j["usage"].is_null()) {
        require(j["choices"].empty(), "a chunk with usage must have empty choices", problems);
        check_usage_shape(j["usage"], "usage", problems);
    }
    return problems;
}

/// The defects of an error object ({"error": {...}}) ("" when none).
inline std::string error_shape_problems(const OJson& j) {
    std::string problems;
    require(j.is_object() && j.size() == 1 && j.contains("error") && j["error"].is_object(),
            "not {\"error\": {...}}", problems);
    if (!problems.empty()) return problems;
    const OJson& e = j["error"];
    require(e["message"].is_string() && !e["message"].get<std::string>().empty(), "error.message", problems);
    require(e["type"].is_string(), "error.type", problems);
    require(e.contains("param") && (e["param"].is_null() || e["param"].is_string()), "error.param", problems);
    require(e.contains("code") && (e["code"].is_null() || e["code"].is_string()), "error.code", problems);
    return problems;
}

}  // namespace vela::testing
