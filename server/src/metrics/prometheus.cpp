#include "metrics/prometheus.h"

#include <cmath>
#include <cstdio>

#include "vela/core/assert.h"

namespace vela::server::metrics {

namespace {

// `{a="x",b="y"}` for the label names and values, with `extra` (e.g. le="0.5") appended; "" when empty.
std::string label_set(const std::vector<std::string>& names, const LabelValues& values,
                      std::string_view extra = {}) {
    if (names.empty() && extra.empty()) return {};
    std::string out = "{";
    for (size_t i = 0; i < names.size(); ++i) {
        if (i > 0) out += ',';
        out += names[i] + "=\"" + escape_label_value(values[i]) + "\"";
    }
    if (!extra.empty()) {
        if (!names.empty()) out += ',';
        out += extra;
    }
    out += '}';
    return out;
}

void header(std::string& out, const std::string& name, const std::string& help, const std::string& type) {
    out += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

}  // namespace

std::string format_number(double value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
    if (value == std::floor(value) && std::fabs(value) < 1e15) {
        return std::to_string(static_cast<int64_t>(value));
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", value);
    return buf;
}

std::string escape_label_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (const char c : value) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '"') {
            out += "\\\"";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

ValueFamily::ValueFamily(std::string name, std::string help, std::string type,
                         std::vector<std::string> label_names)
    : name_(std::move(name)),
      help_(std::move(help)),
      type_(std::move(type)),
      label_names_(std::move(label_names)) {}

void ValueFamily::add(const LabelValues& labels, double delta) {
    VELA_ASSERT(labels.size() == label_names_.size(), "wrong number of label values");
    const std::lock_guard lock(mutex_);
    series_[labels] += delta;
}

void ValueFamily::set(const LabelValues& labels, double value) {
    VELA_ASSERT(labels.size() == label_names_.size(), "wrong number of label values");
    const std::lock_guard lock(mutex_);
    series_[labels] = value;
}

double ValueFamily::value(const LabelValues& labels) const {
    const std::lock_guard lock(mutex_);
    const auto it = series_.find(labels);
    return it == series_.end() ? 0.0 : it->second;
}

void ValueFamily::render(std::string& out) const {
    header(out, name_, help_, type_);
    const std::lock_guard lock(mutex_);
    for (const auto& [labels, value] : series_) {
        out += name_ + label_set(label_names_, labels) + " " + format_number(value) + "\n";
    }
}

HistogramFamily::HistogramFamily(std::string name, std::string help, std::vector<double> bounds,
                                 std::vector<std::string> label_names)
    : name_(std::move(name)),
      help_(std::move(help)),
      bounds_(std::move(bounds)),
      label_names_(std::move(label_names)) {}

void HistogramFamily::observe(const LabelValues& labels, double value, uint64_t count) {
    VELA_ASSERT(labels.size() == label_names_.size(), "wrong number of label values");
    size_t bucket = 0;
    while (bucket < bounds_.size() && value > bounds_[bucket])
        ++bucket;
    const std::lock_guard lock(mutex_);
    Series& series = series_[labels];
    if (series.buckets.empty()) series.buckets.assign(bounds_.size() + 1, 0);
    series.buckets[bucket] += count;
    series.sum += value * static_cast<double>(count);
    series.count += count;
}

uint64_t HistogramFamily::count(const LabelValues& labels) const {
    const std::lock_guard lock(mutex_);
    const auto it = series_.find(labels);
    return it == series_.end() ? 0 : it->second.count;
}

void HistogramFamily::render(std::string& out) const {
    header(out, name_, help_, "histogram");
    const std::lock_guard lock(mutex_);
    for (const auto& [labels, series] : series_) {
        uint64_t cumulative = 0;
        for (size_t i = 0; i <= bounds_.size(); ++i) {
            cumulative += series.buckets[i];
            const std::string le = i < bounds_.size() ? format_number(bounds_[i]) : "+Inf";
            out += name_ + "_bucket" + label_set(label_names_, labels, "le=\"" + le + "\"") + " " +
                   std::to_string(cumulative) + "\n";
        }
        out += name_ + "_sum" + label_set(label_names_, labels) + " " + format_number(series.sum) + "\n";
        out += name_ + "_count" + label_set(label_names_, labels) + " " + std::to_string(series.count) + "\n";
    }
}

}  // namespace vela::server::metrics
