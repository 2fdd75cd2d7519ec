#include "tool_parsers/call_object_parser.h"

#include <utility>

namespace vela::openai {
namespace {

constexpr size_t kMaxKeyBytes = 32;  // longer keys are none of ours; keep a bounded prefix

bool is_args_key(const std::string& key) {
    return key == "arguments" || key == "parameters";
}

bool is_id_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

bool is_valid_id(const std::string& id) {
    if (id.empty() || id.size() > CallObjectParser::kMaxIdBytes) return false;
    for (char c : id) {
        if (!is_id_char(c)) return false;
    }
    return true;
}

}  // namespace

CallObjectParser::Step CallObjectParser::malformed(char c, CallBuilder& calls, bool in_string) {
    if (!calls.committed()) return Step::Fail;
    // The call is already out: find the object's end by counting brackets, from inside the object.
    tolerant_ = JsonScanner{};
    tolerant_.step('{');
    if (in_string) tolerant_.step('"');
    tolerant_.tolerate();
    state_ = State::Tolerant;
    if (tolerant_.step(c) == JsonScanner::Step::Done) return close(calls);
    return Step::More;
}

CallObjectParser::Step CallObjectParser::close(CallBuilder& calls) {
    if (!have_name_) return Step::Fail;  // only reachable before the commit: a commit needs the name
    if (!have_args_) {
        if (rules_.bare && !calls.committed()) return Step::Fail;
        calls.begin_args();
        calls.append_args("{}");
        calls.finish_args(true);
    }
    if (!calls.close_call()) return Step::Fail;
    return Step::Done;
}

CallObjectParser::Step CallObjectParser::start_value(char c, CallBuilder& calls) {
    const bool is_name_key = key_ == "name" || (rules_.function_key_is_name && key_ == "function");
    if (is_name_key && !have_name_) {
        if (c != '"') return malformed(c, calls, false);
        state_ = State::InName;
        string_ = JsonStringDecoder{};
        text_.clear();
        return Step::More;
    }
    if (is_args_key(key_) && !have_args_) {
        state_ = State::InArgs;
        const auto r = args_.step(c, calls);
        if (r == ArgsParser::Step::Fail) return Step::Fail;
        if (r == ArgsParser::Step::Done) {
            have_args_ = true;
            state_ = State::AfterValue;
        }
        return Step::More;
    }
    if (rules_.id_key && key_ == "id" && c == '"') {
        state_ = State::InId;
        string_ = JsonStringDecoder{};
        text_.clear();
        return Step::More;
    }
    state_ = State::InOther;
    other_ = JsonScanner{};
    const auto r = other_.step(c);
    if (r == JsonScanner::Step::Error) return malformed(c, calls, false);
    if (r == JsonScanner::Step::Done) state_ = State::AfterValue;
    return Step::More;
}

CallObjectParser::Step CallObjectParser::step(char c, CallBuilder& calls) {
    switch (state_) {
        case State::Open:
            if (c != '{') return Step::Fail;
            state_ = State::FirstKey;
            return Step::More;
        case State::FirstKey:
        case State::Key:
            if (is_json_space(c)) return Step::More;
            if (c == '"') {
                state_ = State::InKey;
                string_ = JsonStringDecoder{};
                key_.clear();
                return Step::More;
            }
            if (c == '}' && state_ == State::FirstKey) return close(calls);
            return malformed(c, calls, false);
        case State::InKey: {
            const auto r = string_.step(c, key_);
            if (r == JsonStringDecoder::Step::Error) return malformed(c, calls, true);
            if (key_.size() > kMaxKeyBytes) key_.resize(kMaxKeyBytes);
            if (r == JsonStringDecoder::Step::Done) state_ = State::Colon;
            return Step::More;
        }
        case State::Colon:
            if (is_json_space(c)) return Step::More;
            if (c != ':') return malformed(c, calls, false);
            state_ = State::Value;
            return Step::More;
        case State::Value:
            if (is_json_space(c)) return Step::More;
            return start_value(c, calls);
        case State::InName: {
            const auto r = string_.step(c, text_);
            if (r == JsonStringDecoder::Step::Error || text_.size() > kMaxNameBytes) return Step::Fail;
            if (r != JsonStringDecoder::Step::Done) return Step::More;
            if (text_.empty() || (rules_.bare && !calls.accepts_bare_name(text_))) return Step::Fail;
            have_name_ = true;
            state_ = State::AfterValue;
            calls.set_name(std::move(text_));
            text_.clear();
            return Step::More;
        }
        case State::InId: {
            const auto r = string_.step(c, text_);
            if (r == JsonStringDecoder::Step::Error) return malformed(c, calls, true);
            if (r != JsonStringDecoder::Step::Done) return Step::More;
            if (is_valid_id(text_)) calls.set_id(std::move(text_));
            text_.clear();
            state_ = State::AfterValue;
            return Step::More;
        }
        case State::InArgs: {
            const auto r = args_.step(c, calls);
            if (r == ArgsParser::Step::Fail) return Step::Fail;
            if (r == ArgsParser::Step::Done) {
                have_args_ = true;
                state_ = State::AfterValue;
            }
            return Step::More;
        }
        case State::InOther: {
            auto r = other_.step(c);
            if (r == JsonScanner::Step::Error) {
                if (!calls.committed()) return Step::Fail;
                other_.tolerate();
                r = other_.step(c);
            }
            if (r == JsonScanner::Step::Done) state_ = State::AfterValue;
            if (r == JsonScanner::Step::DoneBefore) {  // a number ended; `c` follows it
                state_ = State::AfterValue;
                return step(c, calls);
            }
            return Step::More;
        }
        case State::AfterValue:
            if (is_json_space(c)) return Step::More;
            if (c == ',') {
                state_ = State::Key;
                return Step::More;
            }
            if (c == '}') return close(calls);
            return malformed(c, calls, false);
        case State::Tolerant:
            if (tolerant_.step(c) == JsonScanner::Step::Done) return close(calls);
            return Step::More;
    }
    return Step::Fail;
}

}  // namespace vela::openai
