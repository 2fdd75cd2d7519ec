// ServerMetrics: every metric `vela serve` exposes on GET /metrics, with vLLM-like names under the
// `vela:` prefix. HTTP and per-request latencies are recorded by the server as requests run; engine
// load (running/waiting requests, KV blocks, prefix-cache hit rate, token totals) is read from each
// model's EngineStats when the metrics are scraped.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "metrics/prometheus.h"
#include "vela/core/stats.h"

namespace vela::server::metrics {

/// The load of one served model at scrape time.
struct ModelLoad {
    std::string model;       // the model's id (the model_name label)
    EngineStats engine;      // the engine's snapshot
    int32_t n_queued = 0;    // requests waiting for admission in the server (not yet in the engine)
    int32_t n_admitted = 0;  // requests admitted and not yet finished
};

/// The server's metrics registry.
class ServerMetrics {
  public:
    ServerMetrics();

    /// Counts a finished HTTP response of `route` ("" = no route matched).
    void record_http(std::string_view route, std::string_view method, int status);
    /// Records how long a request of `model` waited for admission, in seconds.
    void record_queue_time(const std::string& model, double seconds);
    /// Records the time from a request's arrival to its first generated token, in seconds.
    void record_time_to_first_token(const std::string& model, double seconds);
    /// Records `count` gaps of `seconds` between consecutive generated tokens of one choice.
    void record_inter_token_latency(const std::string& model, double seconds, uint64_t count = 1);
    /// Records a finished generation request: its arrival-to-end time and why it ended ("stop",
    /// "length", "tool_calls", "abort" or "error").
    void record_request_end(const std::string& model, double seconds, std::string_view finish_reason);
    /// Counts a request of `model` turned away before generation (`reason`: "queue_full", "timeout",
    /// "loading", "invalid").
    void record_rejected(const std::string& model, std::string_view reason);

    /// The whole exposition text, with gauges and engine counters for each of `models`.
    std::string render(const std::vector<ModelLoad>& models) const;

  private:
    ValueFamily http_requests_;
    HistogramFamily queue_time_;
    HistogramFamily time_to_first_token_;
    HistogramFamily inter_token_latency_;
    HistogramFamily e2e_latency_;
    ValueFamily request_success_;
    ValueFamily requests_rejected_;
};

}  // namespace vela::server::metrics
