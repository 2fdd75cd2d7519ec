// Every OpenAI-layer wire type: Chat Completions requests, responses and chunks, the legacy
// Completions API, and the error object.
#pragma once

#include "vela/openai/chat_request.h"
#include "vela/openai/chat_response.h"
#include "vela/openai/completion.h"
#include "vela/openai/error.h"
