#include "vela/openai/response_folder.h"

namespace vela::openai {

void ChatResponseFolder::add(const ChatCompletionChunk& chunk) {
    if (head_.id.empty()) {
        head_.id = chunk.id;
        head_.created = chunk.created;
        head_.model = chunk.model;
        head_.system_fingerprint = chunk.system_fingerprint;
    }
    if (chunk.conversation_id) head_.conversation_id = chunk.conversation_id;
    if (chunk.resource_id) head_.resource_id = chunk.resource_id;
    if (chunk.usage) head_.usage = *chunk.usage;
    for (const ChunkChoice& c : chunk.choices) {
        Choice& choice = choices_[c.index];
        if (c.delta.content && !c.delta.content->empty()) {
            choice.content += *c.delta.content;
            choice.has_content = true;
        }
        if (c.delta.reasoning_content) choice.reasoning += *c.delta.reasoning_content;
        for (const ToolCallDelta& t : c.delta.tool_calls) {
            auto at = choice.call_at.find(t.index);
            if (at == choice.call_at.end()) {
                at = choice.call_at.emplace(t.index, choice.calls.size()).first;
                choice.calls.emplace_back();
            }
            ToolCall& call = choice.calls[at->second];
            if (t.id) call.id = *t.id;
            if (t.name) call.name += *t.name;
            if (t.arguments) call.arguments += *t.arguments;
        }
        if (c.logprobs) {
            if (!choice.logprobs) choice.logprobs = ChoiceLogprobs{};
            choice.logprobs->content.insert(choice.logprobs->content.end(), c.logprobs->content.begin(),
                                            c.logprobs->content.end());
        }
        if (c.finish_reason) choice.finish = *c.finish_reason;
    }
}

ChatCompletionResponse ChatResponseFolder::response() const {
    ChatCompletionResponse out = head_;
    for (const auto& [index, c] : choices_) {
        ChatChoice choice;
        choice.index = index;
        if (c.has_content) {
            choice.message.content = c.content;
        } else if (c.calls.empty()) {
            choice.message.content = std::string();
        }
        if (!c.reasoning.empty()) choice.message.reasoning_content = c.reasoning;
        choice.message.tool_calls = c.calls;
        choice.logprobs = c.logprobs;
        choice.finish_reason = c.finish;
        out.choices.push_back(std::move(choice));
    }
    return out;
}

void CompletionResponseFolder::add(const CompletionChunk& chunk) {
    if (head_.id.empty()) {
        head_.id = chunk.id;
        head_.created = chunk.created;
        head_.model = chunk.model;
        head_.system_fingerprint = chunk.system_fingerprint;
    }
    if (chunk.usage) head_.usage = *chunk.usage;
    for (const CompletionChoice& c : chunk.choices) {
        CompletionChoice& choice = choices_[c.index];
        choice.index = c.index;
        choice.text += c.text;
        if (c.logprobs) {
            if (!choice.logprobs) choice.logprobs = CompletionLogprobs{};
            CompletionLogprobs& lp = *choice.logprobs;
            lp.tokens.insert(lp.tokens.end(), c.logprobs->tokens.begin(), c.logprobs->tokens.end());
            lp.token_logprobs.insert(lp.token_logprobs.end(), c.logprobs->token_logprobs.begin(),
                                     c.logprobs->token_logprobs.end());
            lp.top_logprobs.insert(lp.top_logprobs.end(), c.logprobs->top_logprobs.begin(),
                                   c.logprobs->top_logprobs.end());
            lp.text_offset.insert(lp.text_offset.end(), c.logprobs->text_offset.begin(),
                                  c.logprobs->text_offset.end());
        }
        if (c.finish_reason) choice.finish_reason = c.finish_reason;
    }
}

CompletionResponse CompletionResponseFolder::response() const {
    CompletionResponse out = head_;
    for (const auto& [index, c] : choices_) {
        CompletionChoice choice = c;
        if (!choice.finish_reason) choice.finish_reason = ChoiceFinishReason::Stop;
        out.choices.push_back(std::move(choice));
    }
    return out;
}

}  // namespace vela::openai
