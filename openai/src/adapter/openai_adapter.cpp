// OpenAIAdapter: the entry points. A non-streamed response is the fold of the very chunks a stream of
// the same request would send (response_folder.h), so streaming and non-streaming cannot disagree.
#include "vela/openai/adapter.h"

#include <set>

#include "adapter/adapter_impl.h"
#include "vela/openai/response_folder.h"

namespace vela::openai {
namespace {

constexpr std::chrono::milliseconds kCancelPoll{100};

// Says when the cancel check is due again (every kCancelPoll while chunks keep arriving).
class CancelPoll {
  public:
    bool due() {
        const auto now = std::chrono::steady_clock::now();
        if (now - last_ < kCancelPoll) return false;
        last_ = now;
        return true;
    }

  private:
    std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

std::string fingerprint_of(const ModelInfo& info) {
    // FNV-1a over the model's shape: equal for the same model and limits, different otherwise.
    uint64_t h = 0xcbf29ce484222325ull;
    auto mix = [&](std::string_view text) {
        for (const char c : text) {
            h ^= static_cast<unsigned char>(c);
            h *= 0x100000001b3ull;
        }
        h ^= 0xff;
        h *= 0x100000001b3ull;
    };
    mix(info.architecture);
    mix(info.weight_dtype);
    mix(std::to_string(info.vocab_size));
    mix(std::to_string(info.context_length));
    mix(std::to_string(info.max_sequence_length));
    mix(info.name);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "fp_";
    for (int shift = 60; shift >= 0; shift -= 4)
        out.push_back(kHex[(h >> shift) & 0xf]);
    return out;
}

}  // namespace

Result<std::unique_ptr<OpenAIAdapter>> OpenAIAdapter::create(std::shared_ptr<InferenceEngine> engine,
                                                             AdapterConfig config) {
    if (!engine) return Error{Errc::InvalidArgument, "OpenAIAdapter::create: the engine is null"};
    auto impl = std::make_unique<Impl>();
    impl->engine = std::move(engine);
    impl->config = std::move(config);
    const Tokenizer& tok = impl->engine->tokenizer();
    const ModelInfo& info = impl->engine->model_info();
    if (impl->config.model_id.empty()) impl->config.model_id = info.name;
    auto conversations = ConversationManager::create(tok, impl->config.chat_template);
    if (!conversations) return std::move(conversations).error();
    impl->conversations = std::move(*conversations);
    std::set<std::string> seen;
    for (TokenId id = 0; id < tok.vocab_size(); ++id) {
        if (!tok.is_special(id)) continue;
        const std::string& text = tok.token_bytes(id);
        if (!text.empty() && seen.insert(text).second) impl->special_texts.push_back(text);
    }
    auto formats = impl->formats_for(impl->conversations->template_source());
    if (!formats) return Error{Errc::InvalidArgument, formats.error().message};
    impl->formats = std::move(*formats);
    impl->fingerprint = fingerprint_of(info);

    AdapterCapabilities& caps = impl->capabilities;
    caps.tool_format = std::string(impl->formats.tool.info->name);
    caps.reasoning_format =
        impl->formats.reasoning ? std::string(impl->formats.reasoning->name) : std::string();
    caps.chat_template_origin = to_string(impl->conversations->origin());
    caps.builtin_template = impl->conversations->builtin_name();
    caps.template_renders_tools = impl->conversations->template_reads("tools");
    caps.tool_choice_enforceable = impl->formats.tool.layout != CallLayout::None;
    caps.structured_output = true;
    caps.context_length = info.max_sequence_length > 0 ? info.max_sequence_length : info.context_length;
    return std::unique_ptr<OpenAIAdapter>(new OpenAIAdapter(std::move(impl)));
}

OpenAIAdapter::OpenAIAdapter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
OpenAIAdapter::~OpenAIAdapter() = default;

ApiResult<ChatCompletionResponse> OpenAIAdapter::chat_completion(const ChatCompletionRequest& request,
                                                                 const CancelCheck& cancelled) {
    auto prepared = impl_->prepare_chat(request);
    if (!prepared) return std::move(prepared).error();
    prepared->meta.include_usage = true;
    auto stream = start_chat_stream(impl_->engine, std::move(*prepared));
    if (!stream) return std::move(stream).error();
    ChatResponseFolder folder;
    CancelPoll poll;
    for (;;) {
        ChatCompletionStream::Item item = cancelled ? (*stream)->next(kCancelPoll) : (*stream)->next();
        switch (item.kind) {
            case ChatCompletionStream::Item::Kind::Chunk:
                folder.add(item.chunk);
                if (!poll.due()) continue;
                [[fallthrough]];  // chunks may arrive faster than the poll interval: check here too
            case ChatCompletionStream::Item::Kind::Pending:
                if (cancelled && cancelled()) {
                    (*stream)->cancel();
                    return OpenAIError::unavailable("the request was cancelled");
                }
                continue;
            case ChatCompletionStream::Item::Kind::Error:
                return std::move(item.error);
            case ChatCompletionStream::Item::Kind::Done:
                break;
        }
        break;
    }
    return folder.response();
}

ApiResult<std::unique_ptr<ChatCompletionStream>> OpenAIAdapter::chat_completion_stream(
    const ChatCompletionRequest& request) {
    auto prepared = impl_->prepare_chat(request);
    if (!prepared) return std::move(prepared).error();
    return start_chat_stream(impl_->engine, std::move(*prepared));
}

ApiResult<ChatCompletionResponse> OpenAIAdapter::chat_completion_stream(const ChatCompletionRequest& request,
                                                                        const ChunkCallback& on_chunk) {
    auto prepared = impl_->prepare_chat(request);
    if (!prepared) return std::move(prepared).error();
    const bool client_usage = prepared->meta.include_usage;
    prepared->meta.include_usage = true;  // the folded response needs the usage either way
    auto stream = start_chat_stream(impl_->engine, std::move(*prepared));
    if (!stream) return std::move(stream).error();
    ChatResponseFolder folder;
    for (;;) {
        ChatCompletionStream::Item item = (*stream)->next();
        if (item.kind == ChatCompletionStream::Item::Kind::Error) return std::move(item.error);
        if (item.kind != ChatCompletionStream::Item::Kind::Chunk) break;
        folder.add(item.chunk);
        ChatCompletionChunk& chunk = item.chunk;
        if (!client_usage) {
            if (chunk.usage) continue;  // the usage chunk the client did not ask for
            chunk.include_usage = false;
        }
        if (on_chunk && !on_chunk(chunk)) {
            (*stream)->cancel();
            break;
        }
    }
    return folder.response();
}

ApiResult<CompletionResponse> OpenAIAdapter::completion(const CompletionRequest& request,
                                                        const CancelCheck& cancelled) {
    auto prepared = impl_->prepare_completion(request);
    if (!prepared) return std::move(prepared).error();
    prepared->meta.include_usage = true;
    auto stream = start_completion_stream(impl_->engine, std::move(*prepared));
    if (!stream) return std::move(stream).error();
    CompletionResponseFolder folder;
    CancelPoll poll;
    for (;;) {
        CompletionStream::Item item = cancelled ? (*stream)->next(kCancelPoll) : (*stream)->next();
        switch (item.kind) {
            case CompletionStream::Item::Kind::Chunk:
                folder.add(item.chunk);
                if (!poll.due()) continue;
                [[fallthrough]];  // chunks may arrive faster than the poll interval: check here too
            case CompletionStream::Item::Kind::Pending:
                if (cancelled && cancelled()) {
                    (*stream)->cancel();
                    return OpenAIError::unavailable("the request was cancelled");
                }
                continue;
            case CompletionStream::Item::Kind::Error:
                return std::move(item.error);
            case CompletionStream::Item::Kind::Done:
                break;
        }
        break;
    }
    return folder.response();
}

ApiResult<std::unique_ptr<CompletionStream>> OpenAIAdapter::completion_stream(
    const CompletionRequest& request) {
    auto prepared = impl_->prepare_completion(request);
    if (!prepared) return std::move(prepared).error();
    return start_completion_stream(impl_->engine, std::move(*prepared));
}

ApiResult<RenderedPrompt> OpenAIAdapter::render_prompt(const ChatCompletionRequest& request) const {
    auto prepared = impl_->prepare_chat(request);
    if (!prepared) return std::move(prepared).error();
    return std::move(prepared->prompt);
}

const AdapterCapabilities& OpenAIAdapter::capabilities() const {
    return impl_->capabilities;
}

const AdapterConfig& OpenAIAdapter::config() const {
    return impl_->config;
}

InferenceEngine& OpenAIAdapter::engine() const {
    return *impl_->engine;
}

const std::shared_ptr<InferenceEngine>& OpenAIAdapter::shared_engine() const {
    return impl_->engine;
}

const ConversationManager& OpenAIAdapter::conversations() const {
    return *impl_->conversations;
}

}  // namespace vela::openai
