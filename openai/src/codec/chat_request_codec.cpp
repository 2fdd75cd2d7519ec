// Chat Completions request <-> JSON. Reading maps the deprecated and non-OpenAI spellings onto the one
// struct (functions/function_call -> tools/tool_choice, llama.cpp's json_schema and vLLM's guided_json /
// structured_outputs.json -> response_format, thinking as a bool or {"type":...}, reasoning.effort ->
// reasoning_effort) and refuses the fields it cannot honour; writing emits the canonical OpenAI forms.
#include <array>
#include <string>

#include "codec/json_reader.h"
#include "codec/request_fields.h"
#include "vela/openai/codec.h"

namespace vela::openai {
namespace {

using codec::fail;
using codec::Json;
using codec::ObjectReader;

constexpr std::array<std::pair<std::string_view, Role>, 6> kRoles = {{{"system", Role::System},
                                                                      {"developer", Role::Developer},
                                                                      {"user", Role::User},
                                                                      {"assistant", Role::Assistant},
                                                                      {"tool", Role::Tool},
                                                                      {"function", Role::Function}}};

// Fields that would change the result and that vela cannot honour: name -> why.
constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kRefused = {{
    {"grammar", "GBNF grammars are not supported; use response_format json_schema"},
    {"guided_regex", "regex-guided decoding is not supported; use response_format json_schema"},
    {"guided_choice",
     "choice-guided decoding is not supported; use response_format json_schema with an enum"},
    {"guided_grammar", "grammar-guided decoding is not supported; use response_format json_schema"},
    {"prediction", "predicted outputs are not supported"},
    {"audio", "audio output is not supported"},
    {"web_search_options", "web search is not supported"},
}};

Role parse_role(const ObjectReader& m) {
    const std::string name = m.required_string("role");
    for (const auto& [wire, role] : kRoles) {
        if (wire == name) return role;
    }
    fail("Invalid value: '" + name +
             "'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.",
         m.param("role"), "invalid_value");
}

std::vector<ContentPart> parse_parts(const Json& parts, const std::string& path) {
    std::vector<ContentPart> out;
    for (size_t i = 0; i < parts.size(); ++i) {
        const std::string at = path + "[" + std::to_string(i) + "]";
        if (parts[i].is_string()) {  // a bare string part: accepted as text
            out.push_back(ContentPart{"text", parts[i].get<std::string>(), {}});
            continue;
        }
        ObjectReader part(parts[i], at);
        ContentPart p;
        p.type = part.required_string("type");
        if (p.type == "text" || p.type == "input_text") {
            p.type = "text";
            p.text = part.string("text").value_or("");
        } else {
            p.data_json = codec::dump(parts[i]);
        }
        out.push_back(std::move(p));
    }
    return out;
}

ToolCall parse_tool_call(const ObjectReader& call) {
    ToolCall out;
    out.id = call.string("id").value_or("");
    if (auto type = call.string("type"); type && *type != "function") {
        fail("tool call type '" + *type + "' is not supported (only 'function')", call.param("type"),
             "invalid_value");
    }
    const Json* fn = call.find("function");
    if (!fn) fail("Missing required parameter: '" + call.param("function") + "'.", call.param("function"));
    ObjectReader function(*fn, call.param("function"));
    out.name = function.required_string("name");
    if (const Json* args = function.find("arguments")) {
        out.arguments = args->is_string() ? args->get<std::string>() : codec::dump(*args);
    } else {
        out.arguments = "{}";
    }
    return out;
}

ChatMessage parse_message(const Json& value, size_t index) {
    ObjectReader m(value, "messages[" + std::to_string(index) + "]");
    ChatMessage out;
    out.role = parse_role(m);
    if (const Json* content = m.find("content")) {
        if (content->is_string()) {
            out.content = content->get<std::string>();
        } else if (content->is_array()) {
            out.content_parts = parse_parts(*content, m.param("content"));
        } else {
            fail("Invalid type for '" + m.param("content") +
                     "': expected a string or an array of parts, but got " + codec::type_phrase(*content) +
                     " instead.",
                 m.param("content"), "invalid_type");
        }
    }
    out.name = m.string("name");
    out.tool_call_id = m.string("tool_call_id");
    out.reasoning_content = m.string("reasoning_content");
    if (!out.reasoning_content) out.reasoning_content = m.string("reasoning");
    if (const Json* calls = m.find("tool_calls")) {
        if (!calls->is_array()) {
            fail("Invalid type for '" + m.param("tool_calls") + "': expected an array, but got " +
                     codec::type_phrase(*calls) + " instead.",
                 m.param("tool_calls"), "invalid_type");
        }
        for (size_t j = 0; j < calls->size(); ++j) {
            out.tool_calls.push_back(parse_tool_call(
                ObjectReader((*calls)[j], m.param("tool_calls") + "[" + std::to_string(j) + "]")));
        }
    }
    if (const Json* fc = m.find("function_call")) {  // deprecated single call
        ObjectReader call(*fc, m.param("function_call"));
        ToolCall tc;
        tc.id = "call_" + std::to_string(index);
        tc.name = call.required_string("name");
        const Json* args = call.find("arguments");
        tc.arguments = !args ? "{}" : args->is_string() ? args->get<std::string>() : codec::dump(*args);
        out.tool_calls.push_back(std::move(tc));
    }
    return out;
}

Tool parse_function(const ObjectReader& fn) {
    Tool tool;
    tool.name = fn.required_string("name");
    tool.description = fn.string("description");
    tool.parameters_json = fn.object_text("parameters");
    tool.strict = fn.boolean("strict");
    return tool;
}

std::vector<Tool> parse_tools(const Json& tools) {
    if (!tools.is_array()) {
        fail(
            "Invalid type for 'tools': expected an array, but got " + codec::type_phrase(tools) + " instead.",
            "tools", "invalid_type");
    }
    std::vector<Tool> out;
    for (size_t i = 0; i < tools.size(); ++i) {
        ObjectReader t(tools[i], "tools[" + std::to_string(i) + "]");
        const std::string type = t.string("type").value_or("function");
        if (type != "function") {
            fail("tools[" + std::to_string(i) + "] has type '" + type +
                     "', which vela does not support: only function tools ({\"type\": \"function\", "
                     "\"function\": {...}}) can be called",
                 t.param("type"), "unsupported_parameter");
        }
        const Json* fn = t.find("function");
        if (!fn) fail("Missing required parameter: '" + t.param("function") + "'.", t.param("function"));
        out.push_back(parse_function(ObjectReader(*fn, t.param("function"))));
    }
    return out;
}

std::vector<Tool> parse_functions(const Json& functions) {
    if (!functions.is_array()) {
        fail("Invalid type for 'functions': expected an array, but got " + codec::type_phrase(functions) +
                 " instead.",
             "functions", "invalid_type");
    }
    std::vector<Tool> out;
    for (size_t i = 0; i < functions.size(); ++i) {
        out.push_back(parse_function(ObjectReader(functions[i], "functions[" + std::to_string(i) + "]")));
    }
    return out;
}

ToolChoice::Mode parse_mode(const std::string& text, const std::string& param, bool allow_function_modes) {
    if (text == "none" && allow_function_modes) return ToolChoice::Mode::None;
    if (text == "auto") return ToolChoice::Mode::Auto;
    if (text == "required" || (text == "any" && allow_function_modes)) return ToolChoice::Mode::Required;
    fail("Invalid value: '" + text + "'. Supported values are: " +
             (allow_function_modes ? "'none', 'auto', 'required'" : "'auto', 'required'") + ".",
         param, "invalid_value");
}

std::vector<std::string> parse_allowed(const Json& tools, const std::string& path) {
    if (!tools.is_array()) {
        fail("Invalid type for '" + path + "': expected an array, but got " + codec::type_phrase(tools) +
                 " instead.",
             path, "invalid_type");
    }
    std::vector<std::string> names;
    for (size_t i = 0; i < tools.size(); ++i) {
        ObjectReader t(tools[i], path + "[" + std::to_string(i) + "]");
        if (auto type = t.string("type"); type && *type != "function") {
            fail("allowed tool type '" + *type + "' is not supported (only 'function')", t.param("type"),
                 "unsupported_parameter");
        }
        if (const Json* fn = t.find("function")) {
            names.push_back(ObjectReader(*fn, t.param("function")).required_string("name"));
        } else {
            names.push_back(t.required_string("name"));
        }
    }
    return names;
}

ToolChoice parse_tool_choice(const Json& value) {
    ToolChoice choice;
    if (value.is_string()) {
        choice.mode = parse_mode(value.get<std::string>(), "tool_choice", true);
        return choice;
    }
    ObjectReader c(value, "tool_choice");
    const std::string type = c.required_string("type");
    if (type == "function") {
        choice.mode = ToolChoice::Mode::Function;
        if (const Json* fn = c.find("function")) {
            choice.form = ToolChoice::Form::Function;
            choice.function_name = ObjectReader(*fn, "tool_choice.function").required_string("name");
        } else {
            choice.form = ToolChoice::Form::FlatFunction;
            choice.function_name = c.required_string("name");
        }
        return choice;
    }
    if (type == "allowed_tools") {
        if (const Json* inner = c.find("allowed_tools")) {
            choice.form = ToolChoice::Form::AllowedTools;
            ObjectReader a(*inner, "tool_choice.allowed_tools");
            choice.mode = parse_mode(a.string("mode").value_or("auto"), a.param("mode"), false);
            const Json* tools = a.find("tools");
            if (!tools)
                fail("Missing required parameter: 'tool_choice.allowed_tools.tools'.", a.param("tools"));
            choice.allowed_tools = parse_allowed(*tools, a.param("tools"));
        } else {
            choice.form = ToolChoice::Form::FlatAllowedTools;
            choice.mode = parse_mode(c.string("mode").value_or("auto"), c.param("mode"), false);
            const Json* tools = c.find("tools");
            if (!tools) fail("Missing required parameter: 'tool_choice.tools'.", c.param("tools"));
            choice.allowed_tools = parse_allowed(*tools, c.param("tools"));
        }
        return choice;
    }
    fail("Invalid value: '" + type + "'. Supported tool_choice types are: 'function', 'allowed_tools'.",
         "tool_choice.type", "invalid_value");
}

ToolChoice parse_function_call(const Json& value) {
    ToolChoice choice;
    if (value.is_string()) {
        choice.mode = parse_mode(value.get<std::string>(), "function_call", true);
        return choice;
    }
    choice.mode = ToolChoice::Mode::Function;
    choice.form = ToolChoice::Form::Function;
    choice.function_name = ObjectReader(value, "function_call").required_string("name");
    return choice;
}

std::optional<bool> parse_thinking(const Json* value) {
    if (!value) return std::nullopt;
    if (value->is_boolean()) return value->get<bool>();
    ObjectReader t(*value, "thinking");
    const std::string type = t.string("type").value_or("enabled");
    if (type == "enabled") return true;
    if (type == "disabled") return false;
    fail("Invalid value: '" + type + "'. Supported values are: 'enabled', 'disabled'.", "thinking.type",
         "invalid_value");
}

void refuse_unsupported(const ObjectReader& r) {
    for (const auto& [name, why] : kRefused) {
        if (r.find(name))
            fail("'" + std::string(name) + "': " + std::string(why), std::string(name),
                 "unsupported_parameter");
    }
    if (const Json* n = r.find("modalities")) {
        if (n->is_array()) {
            for (const Json& m : *n) {
                if (!(m.is_string() && m.get<std::string>() == "text")) {
                    fail("'modalities': only \"text\" output is supported", "modalities",
                         "unsupported_parameter");
                }
            }
        }
    }
}

std::optional<ResponseFormat> parse_structured_extras(const ObjectReader& r) {
    // llama.cpp's top-level json_schema, vLLM's guided_json and structured_outputs.json.
    for (const char* key : {"json_schema", "guided_json"}) {
        if (const Json* schema = r.find(key)) {
            ResponseFormat f;
            f.type = ResponseFormat::Type::JsonSchema;
            f.schema_json = schema->is_string() ? schema->get<std::string>() : codec::dump(*schema);
            return f;
        }
    }
    if (const Json* so = r.find("structured_outputs")) {
        ObjectReader s(*so, "structured_outputs");
        if (const Json* schema = s.find("json")) {
            ResponseFormat f;
            f.type = ResponseFormat::Type::JsonSchema;
            f.schema_json = schema->is_string() ? schema->get<std::string>() : codec::dump(*schema);
            return f;
        }
        for (const auto& [key, value] : so->items()) {
            if (!value.is_null()) {
                fail("'structured_outputs." + key + "' is not supported; only structured_outputs.json is",
                     "structured_outputs." + key, "unsupported_parameter");
            }
        }
    }
    return std::nullopt;
}

}  // namespace

namespace codec {

ResponseFormat parse_response_format(const Json& value, const std::string& path) {
    ObjectReader r(value, path);
    ResponseFormat f;
    const std::string type = r.required_string("type");
    if (type == "text") return f;
    if (type == "json_object") {
        f.type = ResponseFormat::Type::JsonObject;
        return f;
    }
    if (type != "json_schema") {
        fail("Invalid value: '" + type + "'. Supported values are: 'text', 'json_object', 'json_schema'.",
             r.param("type"), "invalid_value");
    }
    f.type = ResponseFormat::Type::JsonSchema;
    const Json* inner = r.find("json_schema");
    if (!inner) fail("Missing required parameter: '" + r.param("json_schema") + "'.", r.param("json_schema"));
    ObjectReader s(*inner, r.param("json_schema"));
    f.name = s.string("name").value_or("");
    f.description = s.string("description");
    f.strict = s.boolean("strict");
    if (const Json* schema = s.find("schema")) {
        if (!schema->is_object() && !schema->is_boolean()) {
            fail("Invalid type for '" + s.param("schema") + "': expected an object, but got " +
                     type_phrase(*schema) + " instead.",
                 s.param("schema"), "invalid_type");
        }
        f.schema_json = dump(*schema);
    }
    return f;
}

Json response_format_json(const ResponseFormat& f) {
    switch (f.type) {
        case ResponseFormat::Type::Text:
            return Json{{"type", "text"}};
        case ResponseFormat::Type::JsonObject:
            return Json{{"type", "json_object"}};
        case ResponseFormat::Type::JsonSchema:
            break;
    }
    Json inner = Json::object();
    inner["name"] = f.name;
    if (f.description) inner["description"] = *f.description;
    if (f.schema_json) inner["schema"] = json_from_text(f.schema_json);
    if (f.strict) inner["strict"] = *f.strict;
    return Json{{"type", "json_schema"}, {"json_schema", inner}};
}

SamplingRead read_sampling(const ObjectReader& r) {
    SamplingRead s;
    s.temperature = r.float_number("temperature");
    s.top_p = r.float_number("top_p");
    s.top_k = r.int32("top_k");
    s.min_p = r.float_number("min_p");
    s.repetition_penalty = r.float_number("repetition_penalty");
    s.presence_penalty = r.float_number("presence_penalty");
    s.frequency_penalty = r.float_number("frequency_penalty");
    s.repeat_last_n = r.int32("repeat_last_n");
    s.seed = r.integer("seed");
    s.n = r.int32("n");
    s.best_of = r.int32("best_of");
    s.use_beam_search = r.boolean("use_beam_search");
    s.stop = r.string_or_list("stop");
    for (const int64_t id : r.integer_list("stop_token_ids")) {
        if (id < 0 || id > INT32_MAX) fail("stop token id out of range", "stop_token_ids", "invalid_value");
        s.stop_token_ids.push_back(static_cast<TokenId>(id));
    }
    s.ignore_eos = r.boolean("ignore_eos");
    s.skip_special_tokens = r.boolean("skip_special_tokens");
    if (const Json* bias = r.find("logit_bias")) {
        ObjectReader b(*bias, "logit_bias");
        for (const auto& [key, value] : bias->items()) {
            int64_t id = -1;
            try {
                size_t used = 0;
                id = std::stoll(key, &used);
                if (used != key.size()) id = -1;
            } catch (const std::exception&) {
                id = -1;
            }
            if (id < 0 || id > INT32_MAX) {
                fail("'logit_bias' keys must be token ids (non-negative integers as strings), got '" + key +
                         "'",
                     "logit_bias", "invalid_value");
            }
            auto v = b.float_number(key);
            if (v) s.logit_bias[static_cast<TokenId>(id)] = *v;
        }
    }
    if (const Json* so = r.find("stream_options")) {
        ObjectReader o(*so, "stream_options");
        s.stream_options = StreamOptions{o.boolean("include_usage"), o.boolean("include_obfuscation")};
    }
    return s;
}

void write_sampling(Json& j, const SamplingWrite& s) {
    auto put_float = [&](const char* key, const std::optional<float>& v) {
        if (v) j[key] = float_json(*v);
    };
    put_float("temperature", s.temperature);
    put_float("top_p", s.top_p);
    if (s.top_k) j["top_k"] = *s.top_k;
    put_float("min_p", s.min_p);
    put_float("repetition_penalty", s.repetition_penalty);
    put_float("presence_penalty", s.presence_penalty);
    put_float("frequency_penalty", s.frequency_penalty);
    if (s.repeat_last_n) j["repeat_last_n"] = *s.repeat_last_n;
    if (!s.logit_bias.empty()) {
        Json bias = Json::object();
        for (const auto& [id, v] : s.logit_bias)
            bias[std::to_string(id)] = float_json(v);
        j["logit_bias"] = bias;
    }
    if (s.seed) j["seed"] = *s.seed;
    if (s.n) j["n"] = *s.n;
    if (s.best_of) j["best_of"] = *s.best_of;
    if (s.use_beam_search) j["use_beam_search"] = *s.use_beam_search;
    if (!s.stop.empty()) j["stop"] = s.stop;
    if (!s.stop_token_ids.empty()) j["stop_token_ids"] = s.stop_token_ids;
    if (s.ignore_eos) j["ignore_eos"] = *s.ignore_eos;
    if (s.skip_special_tokens) j["skip_special_tokens"] = *s.skip_special_tokens;
    if (s.stream_options) {
        Json o = Json::object();
        if (s.stream_options->include_usage) o["include_usage"] = *s.stream_options->include_usage;
        if (s.stream_options->include_obfuscation)
            o["include_obfuscation"] = *s.stream_options->include_obfuscation;
        j["stream_options"] = o;
    }
}

}  // namespace codec

ApiResult<ChatCompletionRequest> parse_chat_completion_request(std::string_view text) {
    try {
        const Json doc = codec::parse_document(text, "request body");
        ObjectReader r(doc, "");
        refuse_unsupported(r);
        ChatCompletionRequest q;
        q.model = r.string("model").value_or("");
        const Json* messages = r.find("messages");
        if (!messages)
            fail("Missing required parameter: 'messages'.", "messages", "missing_required_parameter");
        if (messages->is_string()) {
            q.raw_prompt = messages->get<std::string>();
        } else if (messages->is_array()) {
            for (size_t i = 0; i < messages->size(); ++i)
                q.messages.push_back(parse_message((*messages)[i], i));
        } else {
            fail("Invalid type for 'messages': expected an array of messages, but got " +
                     codec::type_phrase(*messages) + " instead.",
                 "messages", "invalid_type");
        }
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
        q.max_completion_tokens = r.int32("max_completion_tokens");
        q.stream = r.boolean("stream").value_or(false);
        q.logprobs = r.boolean("logprobs");
        q.top_logprobs = r.int32("top_logprobs");
        if (const Json* f = r.find("response_format"))
            q.response_format = codec::parse_response_format(*f, "response_format");
        if (auto extra = parse_structured_extras(r)) {
            if (q.response_format && q.response_format->type != ResponseFormat::Type::Text) {
                fail("give either 'response_format' or a top-level JSON schema, not both", "response_format");
            }
            q.response_format = std::move(extra);
        }
        const Json* tools = r.find("tools");
        const Json* functions = r.find("functions");
        if (tools && functions)
            fail("give either 'tools' or the deprecated 'functions', not both", "functions");
        if (tools) q.tools = parse_tools(*tools);
        if (functions) q.tools = parse_functions(*functions);
        const Json* choice = r.find("tool_choice");
        const Json* function_call = r.find("function_call");
        if (choice && function_call) {
            fail("give either 'tool_choice' or the deprecated 'function_call', not both", "function_call");
        }
        if (choice) q.tool_choice = parse_tool_choice(*choice);
        if (function_call) q.tool_choice = parse_function_call(*function_call);
        q.parallel_tool_calls = r.boolean("parallel_tool_calls");
        q.thinking = parse_thinking(r.find("thinking"));
        if (const Json* kwargs = r.find("chat_template_kwargs")) {
            ObjectReader k(*kwargs, "chat_template_kwargs");
            for (const auto& [key, value] : kwargs->items())
                q.chat_template_kwargs.emplace_back(key, codec::dump(value));
        }
        q.reasoning_effort = r.string("reasoning_effort");
        if (const Json* reasoning = r.find("reasoning"); reasoning && !q.reasoning_effort) {
            q.reasoning_effort = ObjectReader(*reasoning, "reasoning").string("effort");
        }
        q.chat_template = r.string("chat_template");
        q.user = r.string("user");
        q.safety_identifier = r.string("safety_identifier");
        q.prompt_cache_key = r.string("prompt_cache_key");
        q.conversation_id = r.string("conversation_id");
        q.resource_id = r.string("resource_id");
        if (const Json* cc = r.find("cache_control")) {
            q.cache_control = cc->is_string()
                                  ? cc->get<std::string>()
                                  : ObjectReader(*cc, "cache_control").string("type").value_or("");
        }
        q.metadata_json = r.object_text("metadata");
        q.store = r.boolean("store");
        q.service_tier = r.string("service_tier");
        if (auto check = validate(q); !check) return std::move(check).error();
        return q;
    } catch (const codec::CodecError& e) {
        return e.error;
    } catch (const std::exception& e) {
        return OpenAIError::invalid_request(std::string("the request body could not be read: ") + e.what());
    }
}

namespace {

Json content_json(const ChatMessage& m) {
    if (m.content) return *m.content;
    if (!m.content_parts) return nullptr;
    Json parts = Json::array();
    for (const ContentPart& p : *m.content_parts) {
        if (p.type == "text") {
            parts.push_back(Json{{"type", "text"}, {"text", p.text}});
        } else {
            parts.push_back(codec::json_from_text(p.data_json));
        }
    }
    return parts;
}

Json tool_choice_json(const ToolChoice& c) {
    static constexpr const char* kModes[] = {"none", "auto", "required", "function"};
    switch (c.form) {
        case ToolChoice::Form::String:
            return kModes[static_cast<int>(c.mode)];
        case ToolChoice::Form::Function:
            return Json{{"type", "function"}, {"function", {{"name", c.function_name}}}};
        case ToolChoice::Form::FlatFunction:
            return Json{{"type", "function"}, {"name", c.function_name}};
        case ToolChoice::Form::AllowedTools:
        case ToolChoice::Form::FlatAllowedTools:
            break;
    }
    Json tools = Json::array();
    for (const std::string& name : c.allowed_tools.value_or(std::vector<std::string>{})) {
        tools.push_back(c.form == ToolChoice::Form::AllowedTools
                            ? Json{{"type", "function"}, {"function", {{"name", name}}}}
                            : Json{{"type", "function"}, {"name", name}});
    }
    Json inner{{"mode", kModes[static_cast<int>(c.mode)]}, {"tools", tools}};
    if (c.form == ToolChoice::Form::FlatAllowedTools) {
        inner["type"] = "allowed_tools";
        return inner;
    }
    return Json{{"type", "allowed_tools"}, {"allowed_tools", inner}};
}

}  // namespace

std::string to_json(const ChatCompletionRequest& q) {
    Json j = Json::object();
    j["model"] = q.model;
    if (q.raw_prompt) {
        j["messages"] = *q.raw_prompt;
    } else {
        Json messages = Json::array();
        for (const ChatMessage& m : q.messages) {
            Json mj{{"role", to_string(m.role)}, {"content", content_json(m)}};
            if (m.name) mj["name"] = *m.name;
            if (!m.tool_calls.empty()) {
                Json calls = Json::array();
                for (const ToolCall& c : m.tool_calls) {
                    calls.push_back(Json{{"id", c.id},
                                         {"type", "function"},
                                         {"function", {{"name", c.name}, {"arguments", c.arguments}}}});
                }
                mj["tool_calls"] = calls;
            }
            if (m.tool_call_id) mj["tool_call_id"] = *m.tool_call_id;
            if (m.reasoning_content) mj["reasoning_content"] = *m.reasoning_content;
            messages.push_back(std::move(mj));
        }
        j["messages"] = messages;
    }
    codec::write_sampling(
        j, codec::SamplingWrite{q.temperature, q.top_p, q.top_k, q.min_p, q.repetition_penalty,
                                q.presence_penalty, q.frequency_penalty, q.repeat_last_n, q.logit_bias,
                                q.seed, q.n, q.best_of, q.use_beam_search, q.stop, q.stop_token_ids,
                                q.ignore_eos, q.skip_special_tokens, q.stream_options});
    if (q.max_tokens) j["max_tokens"] = *q.max_tokens;
    if (q.max_completion_tokens) j["max_completion_tokens"] = *q.max_completion_tokens;
    if (q.stream) j["stream"] = true;
    if (q.logprobs) j["logprobs"] = *q.logprobs;
    if (q.top_logprobs) j["top_logprobs"] = *q.top_logprobs;
    if (q.response_format) j["response_format"] = codec::response_format_json(*q.response_format);
    if (q.tools) {
        Json tools = Json::array();
        for (const Tool& t : *q.tools) {
            Json fn{{"name", t.name}};
            if (t.description) fn["description"] = *t.description;
            if (t.parameters_json) fn["parameters"] = codec::json_from_text(t.parameters_json);
            if (t.strict) fn["strict"] = *t.strict;
            tools.push_back(Json{{"type", "function"}, {"function", fn}});
        }
        j["tools"] = tools;
    }
    if (q.tool_choice) j["tool_choice"] = tool_choice_json(*q.tool_choice);
    if (q.parallel_tool_calls) j["parallel_tool_calls"] = *q.parallel_tool_calls;
    if (q.thinking) j["thinking"] = *q.thinking;
    if (!q.chat_template_kwargs.empty()) {
        Json kwargs = Json::object();
        for (const auto& [key, value] : q.chat_template_kwargs)
            kwargs[key] = codec::json_from_text(value);
        j["chat_template_kwargs"] = kwargs;
    }
    if (q.reasoning_effort) j["reasoning_effort"] = *q.reasoning_effort;
    if (q.chat_template) j["chat_template"] = *q.chat_template;
    auto put = [&](const char* key, const std::optional<std::string>& v) {
        if (v) j[key] = *v;
    };
    put("user", q.user);
    put("safety_identifier", q.safety_identifier);
    put("prompt_cache_key", q.prompt_cache_key);
    put("conversation_id", q.conversation_id);
    put("resource_id", q.resource_id);
    put("cache_control", q.cache_control);
    if (q.metadata_json) j["metadata"] = codec::json_from_text(q.metadata_json);
    if (q.store) j["store"] = *q.store;
    put("service_tier", q.service_tier);
    return codec::dump(j);
}

}  // namespace vela::openai
