// What every route handler needs: the models, the metrics, the in-flight tracker, the configuration and
// the logger. Owned by the Server; handlers hold references only.
#pragma once

#include "log/logger.h"
#include "metrics/server_metrics.h"
#include "models/model_manager.h"
#include "routes/request_tracker.h"
#include "vela/server/serve_config.h"

namespace vela::server {

/// The server state route handlers share.
struct RouteContext {
    ModelManager& models;             // finds and leases models
    metrics::ServerMetrics& metrics;  // counters and histograms
    RequestTracker& tracker;          // in-flight requests and shutdown phase
    const ServeConfig& config;        // the server's configuration
    const Logger& logger;             // log lines
};

}  // namespace vela::server
