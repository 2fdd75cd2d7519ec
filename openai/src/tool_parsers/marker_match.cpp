#include "tool_parsers/marker_match.h"

namespace vela::openai {

bool is_marker_prefix(std::string_view text, std::span<const std::string_view> markers) {
    for (std::string_view marker : markers) {
        if (text.size() < marker.size() && marker.substr(0, text.size()) == text) return true;
    }
    return false;
}

MarkerMatch::Step MarkerMatch::step(char c) {
    text_.push_back(c);
    for (size_t i = 0; i < markers_.size(); ++i) {
        if (markers_[i] == text_) {
            matched_ = i;
            text_.clear();
            return Step::Matched;
        }
    }
    if (is_marker_prefix(text_, markers_)) return Step::Partial;
    return Step::Mismatch;
}

}  // namespace vela::openai
