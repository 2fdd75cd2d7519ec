#include "tool_parsers/output_parser.h"

#include <algorithm>
#include <utility>

#include "tool_parsers/json_scanner.h"

namespace vela::openai {

OutputParser::OutputParser(OutputParserOptions options)
    : options_(std::move(options)), ids_(std::move(options_.random)) {
    if (options_.tool_format != nullptr && options_.tool_format->make_region == nullptr) {
        options_.tool_format = nullptr;  // "none"
    }
    if (options_.reasoning != nullptr) content_markers_.push_back(options_.reasoning->start);
    if (options_.tool_format != nullptr) {
        for (std::string_view marker : options_.tool_format->start_markers)
            content_markers_.push_back(marker);
    }
    for (std::string_view marker : content_markers_)
        may_start_marker_[static_cast<unsigned char>(marker[0])] = true;
    if (options_.reasoning != nullptr && options_.starts_in_reasoning) {
        mode_ = Mode::Reasoning;
        reasoning_start_ = true;
    }
}

std::vector<ParseEvent> OutputParser::feed(std::string_view text) {
    if (finished_) return {};
    input_.append(text);
    drain();
    return events_.take(false);
}

std::vector<ParseEvent> OutputParser::finish(bool truncated) {
    if (finished_) return {};
    drain();
    if (truncated && mode_ == Mode::Region && !region_bare_) {
        // Cut off inside call markup: a complete call still counts; an unfinished one is not content.
        if (!call_.committed && call_.has_name && call_.args_done && call_.args_valid) commit();
        end_open_call();
        raw_.clear();
        region_.reset();
        mode_ = Mode::Content;
    }
    if (truncated && mode_ == Mode::Content && held_.size() >= 2) held_.clear();
    while (mode_ == Mode::Region) {
        end_open_call();  // a committed call cut off mid-way ends here
        if (!raw_.empty() || call_.has_name || call_.args_begun) {
            release_region();  // re-read the unaccounted text as content; it may open another region
        } else {
            region_.reset();
            mode_ = Mode::Content;
        }
        drain();
    }
    // A held marker prefix never became a marker: it is text of the current kind.
    if (mode_ == Mode::Reasoning) {
        events_.reasoning(held_);
    } else {
        for (char c : held_)
            emit_content(c);
    }
    held_.clear();
    finished_ = true;
    return events_.take(true);
}

void OutputParser::drain() {
    for (;;) {
        if (!replay_.empty()) {
            const char c = replay_.back();
            replay_.pop_back();
            step(c);
        } else if (pos_ < input_.size()) {
            step(input_[pos_++]);
        } else {
            break;
        }
    }
    input_.clear();
    pos_ = 0;
}

void OutputParser::step(char c) {
    switch (mode_) {
        case Mode::Content:
            step_content(c);
            return;
        case Mode::Reasoning:
            step_reasoning(c);
            return;
        case Mode::Region:
            step_region(c);
            return;
    }
}

void OutputParser::step_content(char c) {
    // Fast path: most bytes cannot start a marker (or markerless JSON) and go straight out.
    if (held_.empty() && !may_start_marker_[static_cast<unsigned char>(c)] && c != '{' && c != '[') {
        emit_content(c);
        return;
    }
    held_.push_back(c);
    while (!held_.empty()) {
        if (!in_fence_) {
            const auto exact = std::find(content_markers_.begin(), content_markers_.end(), held_);
            if (exact != content_markers_.end()) {
                const std::string_view marker = *exact;
                held_.clear();
                if (options_.reasoning != nullptr && marker == options_.reasoning->start) {
                    mode_ = Mode::Reasoning;
                    n_backticks_ = 0;
                    reasoning_start_ = true;
                } else {
                    start_region(marker, false);
                }
                return;
            }
            if (is_marker_prefix(held_, content_markers_)) return;
            if (held_.size() == 1 && content_start_ && options_.tool_format != nullptr) {
                const BareJson bare = options_.tool_format->bare_json;
                const bool opens = (bare != BareJson::None && held_[0] == '{') ||
                                   (bare == BareJson::ObjectOrArray && held_[0] == '[');
                if (opens) {
                    const char first = held_[0];
                    held_.clear();
                    start_region({}, true);
                    step_region(first);  // the brace or bracket is the region's first byte
                    return;
                }
            }
        }
        emit_content(held_[0]);
        held_.erase(0, 1);
    }
}

void OutputParser::emit_content(char c) {
    // Fences toggle on every run of three backticks, whatever surrounds them; markers inside do not count.
    n_backticks_ = c == '`' ? n_backticks_ + 1 : 0;
    if (n_backticks_ == 3) in_fence_ = !in_fence_;
    content_start_ = content_start_ && is_json_space(c);
    events_.content(std::string_view(&c, 1));
}

void OutputParser::step_reasoning(char c) {
    const std::string_view start = options_.reasoning->start;
    const std::string_view end = options_.reasoning->end;
    held_.push_back(c);
    while (!held_.empty()) {
        if (held_ == end) {
            held_.clear();
            mode_ = Mode::Content;
            return;
        }
        // A model that repeats the opening marker the prompt already holds: it is markup, not reasoning.
        if (reasoning_start_ && held_ == start) {
            held_.clear();
            reasoning_start_ = false;
            return;
        }
        const bool prefix =
            (held_.size() < end.size() && end.substr(0, held_.size()) == held_) ||
            (reasoning_start_ && held_.size() < start.size() && start.substr(0, held_.size()) == held_);
        if (prefix) return;
        emit_reasoning(held_[0]);
        held_.erase(0, 1);
    }
}

void OutputParser::emit_reasoning(char c) {
    reasoning_start_ = reasoning_start_ && is_json_space(c);
    events_.reasoning(std::string_view(&c, 1));
}

void OutputParser::start_region(std::string_view marker, bool bare) {
    mode_ = Mode::Region;
    n_backticks_ = 0;  // a backtick run does not continue across a call
    region_ = options_.tool_format->make_region(bare);
    region_bare_ = bare;
    raw_.assign(marker);
    region_committed_ = false;
    call_ = PendingCall{};
}

void OutputParser::step_region(char c) {
    raw_.push_back(c);
    const RegionStep r = region_->step(c, *this);
    // Inside a committed call every byte is accounted for by its events.
    if (call_.committed) raw_.clear();
    switch (r) {
        case RegionStep::Continue:
            return;
        case RegionStep::Consumed:
            raw_.clear();
            return;
        case RegionStep::End:
            end_open_call();
            raw_.clear();
            region_.reset();
            mode_ = Mode::Content;
            return;
        case RegionStep::Abort:
            end_open_call();
            release_region();
            return;
    }
}

void OutputParser::release_region() {
    std::string text = std::exchange(raw_, {});
    call_ = PendingCall{};
    region_.reset();
    mode_ = Mode::Content;
    // Re-reading the region's own start marker would open the same region again: its first byte is
    // content, and the rest is read afresh (it may hold a real marker, e.g. "<tool_call><tool_call>{").
    if (!region_committed_ && !text.empty()) {
        emit_content(text[0]);
        text.erase(0, 1);
    }
    replay_.append(text.rbegin(), text.rend());  // read next, before anything still pending
}

void OutputParser::end_open_call() {
    if (!call_.committed) return;
    events_.end(call_.index, call_.args_done && call_.args_valid);
    call_ = PendingCall{};
}

void OutputParser::commit() {
    if (call_.id.empty()) {
        call_.id = ids_.next();
    } else {
        ids_.reserve(call_.id);
    }
    call_.index = n_calls_++;
    call_.committed = true;
    region_committed_ = true;
    events_.begin(call_.index, call_.id, call_.name);
    events_.args(call_.index, call_.args);
    call_.args.clear();
}

void OutputParser::set_name(std::string name) {
    call_.name = std::move(name);
    call_.has_name = true;
    if (options_.stream_arguments && call_.args_begun && !call_.committed) commit();
}

void OutputParser::set_id(std::string id) {
    if (!call_.committed) call_.id = std::move(id);
}

void OutputParser::begin_args() {
    call_.args_begun = true;
    if (options_.stream_arguments && call_.has_name && !call_.committed) commit();
}

void OutputParser::append_args(std::string_view bytes) {
    if (call_.committed) {
        events_.args(call_.index, bytes);
    } else {
        call_.args.append(bytes);
    }
}

void OutputParser::finish_args(bool valid) {
    call_.args_done = true;
    call_.args_valid = valid;
}

bool OutputParser::close_call() {
    if (!call_.committed) {
        if (!call_.has_name || !call_.args_done || !call_.args_valid) return false;
        commit();
    }
    end_open_call();
    raw_.clear();  // the call's closing bytes belong to it
    return true;
}

bool OutputParser::accepts_bare_name(std::string_view name) const {
    if (options_.known_tools.empty()) return true;
    return std::find(options_.known_tools.begin(), options_.known_tools.end(), name) !=
           options_.known_tools.end();
}

}  // namespace vela::openai
