#include "adapter/choice_parser.h"

#include <utility>

namespace vela::openai {
namespace {

bool is_space(char c) {
    return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

OutputParserOptions parser_options(const ChoiceParserOptions& o) {
    OutputParserOptions p;
    p.tool_format = o.tool_format;
    p.reasoning = o.reasoning;
    p.starts_in_reasoning = o.starts_in_reasoning;
    p.stream_arguments = true;
    p.known_tools = o.known_tools;
    p.random = o.random;
    return p;
}

// Appends `text` minus leading whitespace (until `started`) with trailing whitespace held in `held`.
std::string trim_piece(std::string_view text, bool& started, std::string& held) {
    std::string out;
    for (const char c : text) {
        if (is_space(c)) {
            if (started) held.push_back(c);
            continue;
        }
        out += held;
        held.clear();
        out.push_back(c);
        started = true;
    }
    return out;
}

}  // namespace

ChoiceParser::ChoiceParser(ChoiceParserOptions options)
    : options_(std::move(options)), filter_(options_.specials), parser_(parser_options(options_)) {}

std::vector<ParseEvent> ChoiceParser::feed(std::string_view text, int32_t n_tokens) {
    std::vector<ParseEvent> raw = parser_.feed(filter_.feed(text));
    if (raw.empty() && options_.reasoning) pending_text_ += text;
    std::vector<ParseEvent> out;
    Kind produced = Kind::None;
    for (const ParseEvent& e : raw) {
        if (std::holds_alternative<ReasoningDelta>(e)) {
            produced = Kind::Reasoning;
        } else if (produced == Kind::None) {
            produced = std::holds_alternative<ContentDelta>(e) ? Kind::Content : Kind::Call;
        }
    }
    count_tokens(produced, n_tokens);
    tidy(raw, out, false);
    return out;
}

std::vector<ParseEvent> ChoiceParser::finish(bool truncated) {
    std::vector<ParseEvent> raw = parser_.feed(filter_.finish());
    for (ParseEvent& e : parser_.finish(truncated))
        append_merged(raw, std::move(e));
    if (n_pending_tokens_ > 0 && (pending_after_reasoning_ || pending_has_marker())) {
        n_reasoning_tokens_ += n_pending_tokens_;
    }
    n_pending_tokens_ = 0;
    pending_text_.clear();
    std::vector<ParseEvent> out;
    tidy(raw, out, true);
    return out;
}

void ChoiceParser::count_tokens(Kind produced, int32_t n_tokens) {
    if (produced == Kind::None) {
        if (n_pending_tokens_ == 0) pending_after_reasoning_ = last_kind_ == Kind::Reasoning;
        n_pending_tokens_ += n_tokens;
        return;
    }
    if (n_pending_tokens_ > 0 &&
        (pending_after_reasoning_ || produced == Kind::Reasoning || pending_has_marker())) {
        n_reasoning_tokens_ += n_pending_tokens_;
    }
    n_pending_tokens_ = 0;
    pending_text_.clear();
    if (produced == Kind::Reasoning) n_reasoning_tokens_ += n_tokens;
    last_kind_ = produced;
}

bool ChoiceParser::pending_has_marker() const {
    const ReasoningFormat* r = options_.reasoning;
    return r && (pending_text_.find(r->start) != std::string::npos ||
                 pending_text_.find(r->end) != std::string::npos);
}

void ChoiceParser::tidy(std::vector<ParseEvent>& raw, std::vector<ParseEvent>& out, bool at_end) {
    for (ParseEvent& e : raw) {
        if (auto* content = std::get_if<ContentDelta>(&e)) {
            held_reasoning_ws_.clear();  // the reasoning block is over: its trailing whitespace goes
            std::string text = trim_piece(content->text, content_started_, held_content_ws_);
            if (!text.empty()) append_merged(out, ContentDelta{std::move(text)});
        } else if (auto* reasoning = std::get_if<ReasoningDelta>(&e)) {
            std::string text = trim_piece(reasoning->text, reasoning_started_, held_reasoning_ws_);
            if (!text.empty()) append_merged(out, ReasoningDelta{std::move(text)});
        } else if (auto* begin = std::get_if<ToolCallBegin>(&e)) {
            held_content_ws_.clear();
            held_reasoning_ws_.clear();
            ++n_calls_;
            dropping_call_ = !options_.parallel_tool_calls && n_calls_ > 1;
            if (!dropping_call_) out.push_back(std::move(*begin));
        } else if (auto* args = std::get_if<ToolArgsDelta>(&e)) {
            if (!dropping_call_) append_merged(out, std::move(*args));
        } else if (auto* end = std::get_if<ToolCallEnd>(&e)) {
            if (!dropping_call_) out.push_back(*end);
            dropping_call_ = false;
        }
    }
    if (at_end) {
        held_reasoning_ws_.clear();
        if (n_calls_ == 0 && !held_content_ws_.empty()) append_merged(out, ContentDelta{held_content_ws_});
        held_content_ws_.clear();
    }
}

}  // namespace vela::openai
