#include "tool_parsers/args_parser.h"

#include <string_view>

namespace vela::openai {

ArgsParser::Step ArgsParser::step(char c, CallBuilder& calls) {
    switch (kind_) {
        case Kind::Unknown:
            if (c == '{') {
                kind_ = Kind::Object;
                calls.begin_args();
                return step_object(c, calls);
            }
            if (c == '"') {
                kind_ = Kind::String;
                calls.begin_args();
                return Step::More;
            }
            return Step::Fail;
        case Kind::Object:
            return step_object(c, calls);
        case Kind::String:
            return step_string(c, calls);
    }
    return Step::Fail;
}

ArgsParser::Step ArgsParser::step_object(char c, CallBuilder& calls) {
    auto r = object_.step(c);
    if (r == JsonScanner::Step::Error) {
        if (!calls.committed()) return Step::Fail;
        object_.tolerate();
        valid_ = false;
        r = object_.step(c);
    }
    calls.append_args(std::string_view(&c, 1));
    if (r == JsonScanner::Step::Done) {
        calls.finish_args(valid_);
        return Step::Done;
    }
    return Step::More;
}

ArgsParser::Step ArgsParser::step_string(char c, CallBuilder& calls) {
    scratch_.clear();
    auto r = string_.step(c, scratch_);
    if (r == JsonStringDecoder::Step::Error) {
        if (!calls.committed()) return Step::Fail;
        string_.tolerate();
        valid_ = false;
        r = string_.step(c, scratch_);
    }
    for (char d : scratch_) {
        decoded_any_ = true;
        if (decoded_done_) {
            decoded_trailing_ok_ = decoded_trailing_ok_ && is_json_space(d);
            continue;
        }
        const auto inner = decoded_json_.step(d);
        if (inner == JsonScanner::Step::Error) {
            decoded_json_.tolerate();  // the text stays as generated; it is just not valid JSON
        } else if (inner == JsonScanner::Step::Done) {
            decoded_done_ = true;
        } else if (inner == JsonScanner::Step::DoneBefore) {
            decoded_done_ = true;
            decoded_trailing_ok_ = is_json_space(d);
        }
    }
    if (!scratch_.empty()) calls.append_args(scratch_);
    if (r != JsonStringDecoder::Step::Done) return Step::More;
    if (!decoded_any_) {
        calls.append_args("{}");  // no-argument tools: an empty string means an empty object
    } else {
        const bool json_ok = (decoded_done_ || decoded_json_.complete_at_end()) && decoded_json_.valid() &&
                             decoded_trailing_ok_;
        valid_ = valid_ && json_ok;
    }
    calls.finish_args(valid_);
    return Step::Done;
}

}  // namespace vela::openai
