// vLLM's tokenizer endpoints.
//   POST /tokenize {"model"?, "prompt": "...", "add_special_tokens"?: true, "return_token_strs"?: false}
//   POST /tokenize {"model"?, "messages": [...], "tools"?, "add_generation_prompt"?: true, ...chat fields}
//     -> {"count": N, "max_model_len": M, "tokens": [...], "token_strs": [...] (when asked)}
//   POST /detokenize {"model"?, "tokens": [...]} -> {"prompt": "..."}
// The messages form renders the chat template exactly as a chat completion would (same parser, same
// template, same BOS rule), so `count` is the prompt size a chat request would have.
#include "routes/tokenize_routes.h"

#include <nlohmann/json.hpp>
#include <variant>

#include "routes/api_error.h"
#include "vela/openai/codec.h"

namespace vela::server {

namespace {

using nlohmann::json;

http::Response bad_request(std::string message, std::optional<std::string> param = {}) {
    return api_error_response(make_api_error(ApiErrorKind::BadRequest, std::move(message), std::move(param)));
}

// The JSON body, or the 400 that says why it is not one.
std::variant<json, http::Response> parse_body(const http::Request& request) {
    json body = json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
        return bad_request("the request body is not a JSON object");
    }
    return body;
}

// The model the body names (or the default), or the error response.
std::variant<std::shared_ptr<ServedModel>, http::Response> model_for(RouteContext& ctx, const json& body) {
    std::string name;
    if (const auto it = body.find("model"); it != body.end() && !it->is_null()) {
        if (!it->is_string()) return bad_request("'model' must be a string", "model");
        name = it->get<std::string>();
    }
    auto model = ctx.models.acquire(name);
    if (!model) {
        if (model.error().code() == Errc::Unavailable) {
            return api_error_response(make_api_error(ApiErrorKind::ModelLoading, model.error().message()));
        }
        ApiError error = api_error_from(model.error());
        error.param = "model";
        return api_error_response(error);
    }
    return std::move(*model);
}

std::optional<bool> flag(const json& body, const char* name, bool fallback, std::string& error) {
    const auto it = body.find(name);
    if (it == body.end() || it->is_null()) return fallback;
    if (!it->is_boolean()) {
        error = std::string("'") + name + "' must be a boolean";
        return std::nullopt;
    }
    return it->get<bool>();
}

http::Response tokenize(RouteContext& ctx, const http::Request& request) {
    auto parsed = parse_body(request);
    if (auto* response = std::get_if<http::Response>(&parsed)) return std::move(*response);
    json& body = std::get<json>(parsed);
    auto leased = model_for(ctx, body);
    if (auto* response = std::get_if<http::Response>(&leased)) return std::move(*response);
    const std::shared_ptr<ServedModel>& model = std::get<std::shared_ptr<ServedModel>>(leased);
    std::string flag_error;
    const auto return_strs = flag(body, "return_token_strs", false, flag_error);
    if (!return_strs) return bad_request(flag_error, "return_token_strs");

    std::vector<TokenId> tokens;
    if (body.contains("messages")) {
        const auto add_generation_prompt = flag(body, "add_generation_prompt", true, flag_error);
        if (!add_generation_prompt) return bad_request(flag_error, "add_generation_prompt");
        if (!body.contains("model") || body["model"].is_null()) body["model"] = model->id;
        auto chat = openai::parse_chat_completion_request(body.dump());
        if (!chat) return api_error_response(api_error_from(chat.error()));
        if (*add_generation_prompt) {
            auto rendered = model->adapter->render_prompt(*chat);
            if (!rendered) return api_error_response(api_error_from(rendered.error()));
            tokens = std::move(rendered->token_ids);
        } else {
            openai::ConversationInput input;
            input.messages = chat->messages;
            input.tools = chat->tools;
            input.add_generation_prompt = false;
            input.variables = chat->chat_template_kwargs;
            input.template_override = chat->chat_template;
            auto rendered = model->adapter->conversations().render_prompt(input);
            if (!rendered) return api_error_response(api_error_from(rendered.error()));
            tokens = std::move(rendered->token_ids);
        }
    } else if (const auto it = body.find("prompt"); it != body.end() && it->is_string()) {
        const auto add_special = flag(body, "add_special_tokens", true, flag_error);
        if (!add_special) return bad_request(flag_error, "add_special_tokens");
        tokens = model->engine->tokenize(it->get<std::string>(), *add_special);
    } else {
        return bad_request("give 'prompt' (a string) or 'messages' (a chat conversation) to tokenize",
                           "prompt");
    }
    nlohmann::ordered_json out = {{"count", tokens.size()},
                                  {"max_model_len", model->engine->model_info().max_sequence_length},
                                  {"tokens", tokens}};
    if (*return_strs) {
        json strs = json::array();
        for (const TokenId id : tokens)
            strs.push_back(model->engine->tokenizer().token_text(id));
        out["token_strs"] = std::move(strs);
    }
    return http::Response::json(out.dump(-1, ' ', false, json::error_handler_t::replace));
}

http::Response detokenize(RouteContext& ctx, const http::Request& request) {
    auto parsed = parse_body(request);
    if (auto* response = std::get_if<http::Response>(&parsed)) return std::move(*response);
    const json& body = std::get<json>(parsed);
    auto leased = model_for(ctx, body);
    if (auto* response = std::get_if<http::Response>(&leased)) return std::move(*response);
    const std::shared_ptr<ServedModel>& model = std::get<std::shared_ptr<ServedModel>>(leased);
    const auto it = body.find("tokens");
    if (it == body.end() || !it->is_array())
        return bad_request("'tokens' must be an array of token ids", "tokens");
    const int32_t vocab = model->engine->model_info().vocab_size;
    std::vector<TokenId> ids;
    for (size_t i = 0; i < it->size(); ++i) {
        const json& value = (*it)[i];
        if (!value.is_number_integer() || value.get<int64_t>() < 0 || value.get<int64_t>() >= vocab) {
            return bad_request(
                "tokens[" + std::to_string(i) + "] is not a token id in [0, " + std::to_string(vocab) + ")",
                "tokens[" + std::to_string(i) + "]");
        }
        ids.push_back(static_cast<TokenId>(value.get<int64_t>()));
    }
    const nlohmann::ordered_json out = {{"prompt", model->engine->detokenize(ids, false)}};
    return http::Response::json(out.dump(-1, ' ', false, json::error_handler_t::replace));
}

}  // namespace

void add_tokenize_routes(http::HttpServer& server, RouteContext& ctx) {
    server.route("POST", "/tokenize",
                 [&ctx](const http::Request& request) { return tokenize(ctx, request); });
    server.route("POST", "/detokenize",
                 [&ctx](const http::Request& request) { return detokenize(ctx, request); });
}

}  // namespace vela::server
