// The JSON codec of the OpenAI wire types: request JSON text -> struct (validated, or an OpenAIError
// with `param` set), struct -> JSON text, and the reverse of each for clients and tests.
//
// Parsing follows OpenAI's rules: unknown fields are ignored; a known field of the wrong JSON type is a
// 400 naming it; fields vela cannot honour in a way that would change the result (custom tools,
// `suffix`, `grammar`, vLLM's guided decoding, beam search) are 400 unsupported_parameter naming
// them. Deprecated `functions` / `function_call` become tools / tool_choice; llama.cpp's top-level
// `json_schema` becomes response_format json_schema. Writing emits every key OpenAI's schemas mark
// required (null where empty) and omits optional ones that are unset. For every struct S the codec
// handles, parse(to_json(s)) == s.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "vela/openai/types.h"

namespace vela::openai {

/// Parses and validates a Chat Completions request body.
ApiResult<ChatCompletionRequest> parse_chat_completion_request(std::string_view json);
/// Parses and validates a Completions request body.
ApiResult<CompletionRequest> parse_completion_request(std::string_view json);

/// The request as JSON text (for clients and round trips).
std::string to_json(const ChatCompletionRequest& request);
/// The request as JSON text (for clients and round trips).
std::string to_json(const CompletionRequest& request);
/// The response as JSON text ("object": "chat.completion").
std::string to_json(const ChatCompletionResponse& response);
/// The chunk as JSON text ("object": "chat.completion.chunk"); the server writes "data: " + this.
std::string to_json(const ChatCompletionChunk& chunk);
/// The response as JSON text ("object": "text_completion").
std::string to_json(const CompletionResponse& response);
/// The chunk as JSON text ("object": "text_completion").
std::string to_json(const CompletionChunk& chunk);
/// The usage object alone.
std::string to_json(const Usage& usage);
/// {"error":{"message","type","param","code"}} (param and code null when unset). The same text is
/// the body of an error response and the data of a mid-stream error event.
std::string to_json(const OpenAIError& error);

/// Parses a chat completion response (clients, tests).
ApiResult<ChatCompletionResponse> parse_chat_completion_response(std::string_view json);
/// Parses a chat completion chunk (clients, tests).
ApiResult<ChatCompletionChunk> parse_chat_completion_chunk(std::string_view json);
/// Parses a completion response (clients, tests).
ApiResult<CompletionResponse> parse_completion_response(std::string_view json);
/// Parses a completion chunk (clients, tests).
ApiResult<CompletionChunk> parse_completion_chunk(std::string_view json);
/// Parses an error body {"error":{...}} answered with HTTP `status`; nullopt when `json` is not one.
std::optional<OpenAIError> parse_error(std::string_view json, int status);

}  // namespace vela::openai
