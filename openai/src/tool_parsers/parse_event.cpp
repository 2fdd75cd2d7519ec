#include "tool_parsers/parse_event.h"

#include <type_traits>
#include <utility>

namespace vela::openai {
namespace {

// Concatenates `next` onto `last` when both are deltas of kind Delta (for arguments, of the same call).
template <class Delta>
bool merge_into(ParseEvent& last, Delta& next) {
    auto* prev = std::get_if<Delta>(&last);
    if (prev == nullptr) return false;
    if constexpr (std::is_same_v<Delta, ToolArgsDelta>) {
        if (prev->index != next.index) return false;
        prev->fragment += next.fragment;
    } else {
        prev->text += next.text;
    }
    return true;
}

bool is_empty_delta(const ParseEvent& event) {
    if (auto* c = std::get_if<ContentDelta>(&event)) return c->text.empty();
    if (auto* r = std::get_if<ReasoningDelta>(&event)) return r->text.empty();
    if (auto* a = std::get_if<ToolArgsDelta>(&event)) return a->fragment.empty();
    return false;
}

}  // namespace

void append_merged(std::vector<ParseEvent>& events, ParseEvent event) {
    if (is_empty_delta(event)) return;
    if (!events.empty()) {
        bool merged = std::visit(
            [&](auto& next) {
                using T = std::decay_t<decltype(next)>;
                if constexpr (std::is_same_v<T, ContentDelta> || std::is_same_v<T, ReasoningDelta> ||
                              std::is_same_v<T, ToolArgsDelta>) {
                    return merge_into(events.back(), next);
                } else {
                    return false;
                }
            },
            event);
        if (merged) return;
    }
    events.push_back(std::move(event));
}

std::vector<ParseEvent> merge_events(std::span<const ParseEvent> events) {
    std::vector<ParseEvent> merged;
    for (const auto& event : events)
        append_merged(merged, event);
    return merged;
}

std::string describe(const ParseEvent& event) {
    struct Describer {
        std::string operator()(const ContentDelta& e) const { return "content(" + e.text + ")"; }
        std::string operator()(const ReasoningDelta& e) const { return "reasoning(" + e.text + ")"; }
        std::string operator()(const ToolCallBegin& e) const {
            return "begin(" + std::to_string(e.index) + ", id=" + e.id + ", name=" + e.name + ")";
        }
        std::string operator()(const ToolArgsDelta& e) const {
            return "args(" + std::to_string(e.index) + ", " + e.fragment + ")";
        }
        std::string operator()(const ToolCallEnd& e) const {
            return "end(" + std::to_string(e.index) + (e.arguments_valid ? "" : ", invalid") + ")";
        }
    };
    return std::visit(Describer{}, event);
}

void apply_event(ParsedOutput& output, const ParseEvent& event) {
    struct Applier {
        ParsedOutput& out;
        void operator()(const ContentDelta& e) const { out.content += e.text; }
        void operator()(const ReasoningDelta& e) const { out.reasoning += e.text; }
        void operator()(const ToolCallBegin& e) const {
            out.tool_calls.push_back(
                ParsedToolCall{.id = e.id, .name = e.name, .arguments = {}, .arguments_valid = true});
        }
        void operator()(const ToolArgsDelta& e) const {
            if (e.index >= 0 && static_cast<size_t>(e.index) < out.tool_calls.size())
                out.tool_calls[static_cast<size_t>(e.index)].arguments += e.fragment;
        }
        void operator()(const ToolCallEnd& e) const {
            if (e.index >= 0 && static_cast<size_t>(e.index) < out.tool_calls.size())
                out.tool_calls[static_cast<size_t>(e.index)].arguments_valid = e.arguments_valid;
        }
    };
    std::visit(Applier{output}, event);
}

}  // namespace vela::openai
