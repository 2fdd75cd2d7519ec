#include "tool_parsers/event_buffer.h"

#include <utility>

namespace vela::openai {
namespace {

// The text of a delta event, or nullptr for other events.
std::string* delta_text(ParseEvent& event) {
    if (auto* c = std::get_if<ContentDelta>(&event)) return &c->text;
    if (auto* r = std::get_if<ReasoningDelta>(&event)) return &r->text;
    if (auto* a = std::get_if<ToolArgsDelta>(&event)) return &a->fragment;
    return nullptr;
}

}  // namespace

size_t incomplete_utf8_tail(std::string_view text) {
    const size_t n = text.size();
    for (size_t k = 1; k <= 3 && k <= n; ++k) {
        const auto b = static_cast<unsigned char>(text[n - k]);
        if ((b & 0xC0) == 0x80) continue;  // a continuation byte: look further back for the lead
        size_t need = 1;
        if (b >= 0xF8) {
            need = 1;  // not a UTF-8 lead byte: nothing to wait for
        } else if (b >= 0xF0) {
            need = 4;
        } else if (b >= 0xE0) {
            need = 3;
        } else if (b >= 0xC0) {
            need = 2;
        }
        return need > k ? k : 0;
    }
    return 0;
}

void EventBuffer::content(std::string_view text) {
    append_merged(events_, ContentDelta{std::string(text)});
}

void EventBuffer::reasoning(std::string_view text) {
    append_merged(events_, ReasoningDelta{std::string(text)});
}

void EventBuffer::begin(int32_t index, std::string id, std::string name) {
    append_merged(events_, ToolCallBegin{index, std::move(id), std::move(name)});
}

void EventBuffer::args(int32_t index, std::string_view fragment) {
    if (!events_.empty()) {
        if (auto* last = std::get_if<ToolArgsDelta>(&events_.back());
            last != nullptr && last->index == index) {
            last->fragment.append(fragment);
            return;
        }
    }
    append_merged(events_, ToolArgsDelta{index, std::string(fragment)});
}

void EventBuffer::end(int32_t index, bool arguments_valid) {
    append_merged(events_, ToolCallEnd{index, arguments_valid});
}

std::vector<ParseEvent> EventBuffer::take(bool final) {
    std::vector<ParseEvent> out = std::exchange(events_, {});
    if (final || out.empty()) return out;
    std::string* text = delta_text(out.back());
    if (text == nullptr) return out;
    const size_t tail = incomplete_utf8_tail(*text);
    if (tail == 0) return out;
    // Keep the tail as the start of the next feed's delta of the same kind.
    ParseEvent kept = out.back();
    *delta_text(kept) = text->substr(text->size() - tail);
    text->resize(text->size() - tail);
    if (text->empty()) out.pop_back();
    events_.push_back(std::move(kept));
    return out;
}

}  // namespace vela::openai
