// Prometheus metric families and their text exposition format (version 0.0.4): counters and gauges
// (a value per label set) and histograms (cumulative buckets, sum and count per label set). Families
// are thread-safe; render() writes `# HELP`, `# TYPE` and one sample line per series, label values
// escaped as the format requires.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace vela::server::metrics {

/// Label values of one series, in the order of the family's label names.
using LabelValues = std::vector<std::string>;

/// A number as the text format writes it ("+Inf", "NaN", integers without a fraction).
std::string format_number(double value);
/// A label value with backslash, double quote and line feed escaped.
std::string escape_label_value(std::string_view value);

/// Counters or gauges sharing a name and label names.
class ValueFamily {
  public:
    /// A family named `name` of `type` ("counter" or "gauge") with `label_names`.
    ValueFamily(std::string name, std::string help, std::string type, std::vector<std::string> label_names);
    /// Adds `delta` to the series `labels` (created at 0).
    void add(const LabelValues& labels, double delta = 1.0);
    /// Sets the series `labels` to `value`.
    void set(const LabelValues& labels, double value);
    /// The value of the series `labels` (0 when absent).
    double value(const LabelValues& labels) const;
    /// Appends the family in text format to `out`.
    void render(std::string& out) const;

  private:
    std::string name_, help_, type_;
    std::vector<std::string> label_names_;
    mutable std::mutex mutex_;
    std::map<LabelValues, double> series_;
};

/// Histograms sharing a name, bucket bounds and label names.
class HistogramFamily {
  public:
    /// A family named `name` with upper bucket bounds `bounds` (ascending; +Inf is implied).
    HistogramFamily(std::string name, std::string help, std::vector<double> bounds,
                    std::vector<std::string> label_names);
    /// Records `value` `count` times in the series `labels`.
    void observe(const LabelValues& labels, double value, uint64_t count = 1);
    /// The number of observations of the series `labels`.
    uint64_t count(const LabelValues& labels) const;
    /// Appends the family in text format to `out`.
    void render(std::string& out) const;

  private:
    struct Series {
        std::vector<uint64_t> buckets;  // non-cumulative count per bound, then the +Inf overflow
        double sum = 0.0;
        uint64_t count = 0;
    };
    std::string name_, help_;
    std::vector<double> bounds_;
    std::vector<std::string> label_names_;
    mutable std::mutex mutex_;
    std::map<LabelValues, Series> series_;
};

}  // namespace vela::server::metrics
