// The part of POST /v1/chat/completions and POST /v1/completions that does not depend on the API:
// admission (model lookup, draining check, the model's FIFO gate with the client's disconnect as a
// cancel signal), folding a stream into a non-streamed answer (cancelled as soon as the client leaves),
// the SSE loop (one event per chunk, keep-alive comments while nothing comes, a client
// that disconnects cancels the stream at once so the engine frees its KV blocks at its next step, the
// shutdown deadline cancels too), and the latency metrics (queue time, time to first token,
// inter-token latency, end-to-end latency, finish reason).
#pragma once

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "http/http_types.h"
#include "http/sse.h"
#include "routes/api_error.h"
#include "routes/route_context.h"
#include "vela/openai/codec.h"
#include "vela/openai/response_folder.h"

namespace vela::server {

using Clock = std::chrono::steady_clock;

/// A request admitted to a model: the lease, the slot ticket and its timing.
struct AdmittedRequest {
    std::shared_ptr<ServedModel> model;                // keeps the engine alive until the request ends
    std::unique_ptr<RequestAdmission::Ticket> ticket;  // the request's engine slots
    std::shared_ptr<RequestTracker::Guard> in_flight;  // counts the request for graceful shutdown
    Clock::time_point arrived;                         // when the request arrived
};

/// Admits a request for `model_name` needing `n_seqs` sequences, `n` of them generated together (the
/// request's `n`), or returns the error response (400 when `n` exceeds the engine's batch, 404 unknown
/// model, 503 loading / queue full / timeout / shutting down).
std::optional<http::Response> admit_request(RouteContext& ctx, const http::Request& request,
                                            const std::string& model_name, int32_t n_seqs, int32_t n,
                                            Clock::time_point arrived, AdmittedRequest& out);

/// Records the latency metrics of a non-streamed request from its usage (ms timings).
void record_usage_metrics(RouteContext& ctx, const AdmittedRequest& admitted, const openai::Usage& usage,
                          int32_t n_choices, const std::string& finish_reason);

/// Per-chunk facts the SSE loop needs, for chat and completion chunks.
struct ChunkFacts {
    bool has_output = false;    // carries generated text, reasoning or tool-call pieces
    std::string finish_reason;  // "" unless a choice finished in this chunk
};
/// The facts of a chat chunk.
ChunkFacts chunk_facts(const openai::ChatCompletionChunk& chunk);
/// The facts of a completion chunk.
ChunkFacts chunk_facts(const openai::CompletionChunk& chunk);

/// How folding a stream into one response ended.
struct FoldOutcome {
    bool cancelled = false;                    // stopped because the cancel check held
    std::optional<openai::OpenAIError> error;  // the stream's own error, if it sent one
};

/// Pulls `stream` (a ChatCompletionStream or CompletionStream) to its end into `folder` for a
/// non-streamed answer. `cancelled` (the client left, the server shuts down) is checked after every
/// chunk and every 25 ms without one, and stops the generation at once, so its KV blocks are freed at
/// the engine's next step.
template <class Stream, class Folder, class CancelCheck>
FoldOutcome fold_stream(Stream& stream, Folder& folder, const CancelCheck& cancelled) {
    constexpr std::chrono::milliseconds kPoll{25};
    for (;;) {
        if (cancelled()) {
            stream.cancel();
            return FoldOutcome{true, std::nullopt};
        }
        auto item = stream.next(kPoll);
        switch (item.kind) {
            case Stream::Item::Kind::Pending:
                break;
            case Stream::Item::Kind::Chunk:
                folder.add(item.chunk);
                break;
            case Stream::Item::Kind::Error:
                return FoldOutcome{false, std::move(item.error)};
            case Stream::Item::Kind::Done:
                return FoldOutcome{};
        }
    }
}

/// The SSE body streaming `stream` (a ChatCompletionStream or CompletionStream) to the client.
template <class Stream>
http::StreamBody sse_body(RouteContext& ctx, AdmittedRequest admitted, std::unique_ptr<Stream> stream) {
    struct State {
        AdmittedRequest admitted;
        std::unique_ptr<Stream> stream;
    };
    auto state = std::make_shared<State>(State{std::move(admitted), std::move(stream)});
    return [&ctx, state](http::StreamWriter& writer) {
        constexpr std::chrono::milliseconds kPoll{25};  // how often a quiet stream checks its client
        const std::chrono::milliseconds keep_alive(ctx.config.sse_keep_alive_ms);
        const std::string& model = state->admitted.model->id;
        Clock::time_point last_write = Clock::now();
        std::optional<Clock::time_point> last_output;
        std::string finish = "abort";
        bool open = true;
        while (open) {
            if (writer.client_gone()) break;
            if (ctx.tracker.cancelling()) {
                writer.write(http::sse_event(api_error_json(make_api_error(
                    ApiErrorKind::ShuttingDown, "the server is shutting down; the request was cancelled"))));
                break;
            }
            const auto idle =
                std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - last_write);
            const auto wait = std::clamp(keep_alive - idle, std::chrono::milliseconds(0), kPoll);
            auto item = state->stream->next(wait);
            const Clock::time_point now = Clock::now();
            switch (item.kind) {
                case Stream::Item::Kind::Pending:
                    if (now - last_write >= keep_alive) {
                        open = writer.write(http::sse_comment("keep-alive"));
                        last_write = now;
                    }
                    break;
                case Stream::Item::Kind::Chunk: {
                    const ChunkFacts facts = chunk_facts(item.chunk);
                    if (facts.has_output) {
                        if (!last_output) {
                            ctx.metrics.record_time_to_first_token(
                                model, std::chrono::duration<double>(now - state->admitted.arrived).count());
                        } else {
                            ctx.metrics.record_inter_token_latency(
                                model, std::chrono::duration<double>(now - *last_output).count());
                        }
                        last_output = now;
                    }
                    if (!facts.finish_reason.empty()) finish = facts.finish_reason;
                    open = writer.write(http::sse_event(openai::to_json(item.chunk)));
                    last_write = now;
                    break;
                }
                case Stream::Item::Kind::Error:
                    writer.write(http::sse_event(openai::to_json(item.error)));
                    finish = "error";
                    open = false;
                    break;
                case Stream::Item::Kind::Done:
                    writer.write(http::sse_done());
                    open = false;
                    break;
            }
        }
        // Dropping the stream cancels generation if it still runs; the slots go back to the gate.
        state->stream->cancel();
        state->stream.reset();
        state->admitted.ticket.reset();
        ctx.metrics.record_request_end(
            model, std::chrono::duration<double>(Clock::now() - state->admitted.arrived).count(), finish);
        state->admitted.in_flight.reset();
    };
}

/// Answers an admitted generation request. Streamed: SSE chunks as they come. Not streamed: the stream is
/// run here and folded into one JSON answer (as the adapter's own non-streamed call does), so a client
/// that leaves cancels the generation between any two tokens. `open(streamed)` starts the adapter's
/// stream (with include_usage when it is to be folded); `finish_of(response)` names how the first
/// choice ended, for the metrics.
template <class Folder, class Open, class FinishOf>
http::Response answer_generation(RouteContext& ctx, const http::Request& http_request,
                                 AdmittedRequest admitted, Clock::time_point arrived, int32_t n_choices,
                                 bool streamed, const Open& open, const FinishOf& finish_of) {
    auto stream = open(streamed);
    if (!stream) {
        ctx.metrics.record_rejected(admitted.model->id, "invalid");
        return api_error_response(api_error_from(stream.error()));
    }
    if (streamed) {
        http::Response response;
        response.content_type = "text/event-stream";
        response.headers = http::sse_headers();
        response.stream = sse_body(ctx, std::move(admitted), std::move(*stream));
        return response;
    }
    Folder folder;
    const FoldOutcome outcome =
        fold_stream(**stream, folder, [&] { return http_request.client_gone() || ctx.tracker.cancelling(); });
    stream->reset();
    if (outcome.cancelled || outcome.error) {
        ctx.metrics.record_request_end(admitted.model->id,
                                       std::chrono::duration<double>(Clock::now() - arrived).count(),
                                       outcome.cancelled ? "abort" : "error");
        if (outcome.error) return api_error_response(api_error_from(*outcome.error));
        return api_error_response(make_api_error(
            ApiErrorKind::ShuttingDown, ctx.tracker.cancelling()
                                            ? "the server is shutting down; the request was cancelled"
                                            : "the client closed the connection; the request was cancelled"));
    }
    const auto result = folder.response();
    record_usage_metrics(ctx, admitted, result.usage, n_choices, finish_of(result));
    return http::Response::json(openai::to_json(result));
}

}  // namespace vela::server
