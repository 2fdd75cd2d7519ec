#include "adapter/special_text_filter.h"

namespace vela::openai {

SpecialTextSet::SpecialTextSet(const std::vector<std::string>& texts) : nodes_(1) {
    for (const std::string& text : texts) {
        if (text.empty()) continue;
        int node = 0;
        for (const char c : text) {
            const auto byte = static_cast<unsigned char>(c);
            int next = child(node, byte);
            if (next < 0) {
                next = static_cast<int>(nodes_.size());
                nodes_[static_cast<size_t>(node)].next.emplace_back(byte, next);
                nodes_.emplace_back();
            }
            node = next;
        }
        nodes_[static_cast<size_t>(node)].terminal = true;
    }
}

int SpecialTextSet::child(int node, unsigned char byte) const {
    for (const auto& [b, target] : nodes_[static_cast<size_t>(node)].next) {
        if (b == byte) return target;
    }
    return -1;
}

SpecialTextFilter::SpecialTextFilter(std::shared_ptr<const SpecialTextSet> set) : set_(std::move(set)) {}

std::string SpecialTextFilter::feed(std::string_view piece) {
    if (!set_ || set_->empty()) return std::string(piece);
    held_.append(piece);
    std::string out;
    size_t i = 0;
    while (i < held_.size()) {
        // The longest special text starting at i, or whether the text so far may still become one.
        int node = 0;
        size_t match_end = 0;
        size_t j = i;
        bool open = false;
        for (; j < held_.size(); ++j) {
            node = set_->child(node, static_cast<unsigned char>(held_[j]));
            if (node < 0) break;
            if (set_->nodes_[static_cast<size_t>(node)].terminal) match_end = j + 1;
        }
        if (j == held_.size() && node > 0) open = !set_->nodes_[static_cast<size_t>(node)].next.empty();
        if (open) break;  // held_[i..] may still grow into a (longer) special text: decide later
        if (match_end > 0) {
            i = match_end;
            continue;
        }
        out.push_back(held_[i]);
        ++i;
    }
    held_.erase(0, i);
    return out;
}

std::string SpecialTextFilter::finish() {
    if (!set_ || set_->empty()) return {};
    std::string rest;
    rest.swap(held_);
    // At the end nothing can grow any more: remove whole texts, keep the rest.
    std::string out;
    size_t i = 0;
    while (i < rest.size()) {
        int node = 0;
        size_t match_end = 0;
        for (size_t j = i; j < rest.size(); ++j) {
            node = set_->child(node, static_cast<unsigned char>(rest[j]));
            if (node < 0) break;
            if (set_->nodes_[static_cast<size_t>(node)].terminal) match_end = j + 1;
        }
        if (match_end > 0) {
            i = match_end;
        } else {
            out.push_back(rest[i]);
            ++i;
        }
    }
    return out;
}

}  // namespace vela::openai
