#include "routes/generation_runner.h"

namespace vela::server {

namespace {

// The reason label of a request turned away by `error` from the admission gate.
const char* rejection_reason(Errc code) {
    switch (code) {
        case Errc::ResourceExhausted:
            return "queue_full";
        case Errc::Timeout:
            return "timeout";
        case Errc::Cancelled:
            return "client_gone";
        default:
            return "unavailable";
    }
}

}  // namespace

std::optional<http::Response> admit_request(RouteContext& ctx, const http::Request& request,
                                            const std::string& model_name, int32_t n_seqs, int32_t n,
                                            Clock::time_point arrived, AdmittedRequest& out) {
    if (ctx.tracker.draining()) {
        return api_error_response(make_api_error(ApiErrorKind::ShuttingDown,
                                                 "the server is shutting down and accepts no new requests"));
    }
    auto model = ctx.models.acquire(model_name);
    if (!model) {
        ApiError error = api_error_from(model.error());
        if (model.error().code() == Errc::NotFound) error.param = "model";
        if (model.error().code() == Errc::Unavailable) {
            error = make_api_error(ApiErrorKind::ModelLoading, model.error().message());
        }
        return api_error_response(error);
    }
    RequestAdmission& gate = *(*model)->admission;
    if (n > gate.n_slots()) {
        ctx.metrics.record_rejected((*model)->id, "invalid");
        return api_error_response(make_api_error(
            ApiErrorKind::BadRequest,
            "'n' is " + std::to_string(n) + ", but the engine generates at most " +
                std::to_string(gate.n_slots()) + " sequences at once (--max-num-seqs); lower 'n'",
            "n"));
    }
    out.model = std::move(*model);
    out.arrived = arrived;
    out.in_flight = ctx.tracker.enter();
    const int32_t n_reserved = std::clamp(n_seqs, 1, gate.n_slots());
    auto ticket = gate.admit(n_reserved, [&] { return request.client_gone() || ctx.tracker.cancelling(); });
    if (!ticket) {
        ctx.metrics.record_rejected(out.model->id, rejection_reason(ticket.error().code()));
        const Errc code = ticket.error().code();
        const ApiErrorKind kind = code == Errc::ResourceExhausted ? ApiErrorKind::QueueFull
                                  : code == Errc::Timeout         ? ApiErrorKind::QueueTimeout
                                                                  : ApiErrorKind::ShuttingDown;
        return api_error_response(make_api_error(kind, ticket.error().message()));
    }
    out.ticket = std::make_unique<RequestAdmission::Ticket>(std::move(*ticket));
    ctx.metrics.record_queue_time(out.model->id,
                                  std::chrono::duration<double>(Clock::now() - arrived).count());
    return std::nullopt;
}

void record_usage_metrics(RouteContext& ctx, const AdmittedRequest& admitted, const openai::Usage& usage,
                          int32_t n_choices, const std::string& finish_reason) {
    const std::string& model = admitted.model->id;
    const double e2e = std::chrono::duration<double>(Clock::now() - admitted.arrived).count();
    if (usage.prompt_time_costs && usage.completion_tokens > 0) {
        // prompt_time_costs runs from submission to the first token; add the time before submission.
        const double before_engine =
            e2e - (*usage.prompt_time_costs + usage.completion_time_costs.value_or(0.0)) / 1000.0;
        ctx.metrics.record_time_to_first_token(
            model, std::max(0.0, before_engine) + *usage.prompt_time_costs / 1000.0);
    }
    const int64_t per_choice = usage.completion_tokens / std::max(1, n_choices);
    if (usage.completion_time_costs && per_choice > 1) {
        // The gaps are not observed one by one here: each of the choice's gaps counts as the mean gap.
        const double mean_gap = *usage.completion_time_costs / 1000.0 / static_cast<double>(per_choice - 1);
        ctx.metrics.record_inter_token_latency(model, mean_gap,
                                               static_cast<uint64_t>((per_choice - 1) * n_choices));
    }
    ctx.metrics.record_request_end(model, e2e, finish_reason);
}

ChunkFacts chunk_facts(const openai::ChatCompletionChunk& chunk) {
    ChunkFacts facts;
    for (const openai::ChunkChoice& choice : chunk.choices) {
        const openai::ChatDelta& delta = choice.delta;
        if ((delta.content && !delta.content->empty()) ||
            (delta.reasoning_content && !delta.reasoning_content->empty()) || !delta.tool_calls.empty()) {
            facts.has_output = true;
        }
        if (choice.finish_reason) facts.finish_reason = openai::to_string(*choice.finish_reason);
    }
    return facts;
}

ChunkFacts chunk_facts(const openai::CompletionChunk& chunk) {
    ChunkFacts facts;
    for (const openai::CompletionChoice& choice : chunk.choices) {
        if (!choice.text.empty()) facts.has_output = true;
        if (choice.finish_reason) facts.finish_reason = openai::to_string(*choice.finish_reason);
    }
    return facts;
}

}  // namespace vela::server
