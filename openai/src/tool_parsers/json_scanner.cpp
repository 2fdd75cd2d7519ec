#include "tool_parsers/json_scanner.h"

namespace vela::openai {
namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool is_hex(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

}  // namespace

bool is_json_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool JsonScanner::push(char open) {
    if (stack_.size() >= kMaxDepth) return false;
    stack_.push_back(open);
    return true;
}

JsonScanner::Step JsonScanner::start_value(char c) {
    switch (c) {
        case '{':
            if (!push('{')) return Step::Error;
            mode_ = Mode::ObjectStart;
            return Step::More;
        case '[':
            if (!push('[')) return Step::Error;
            mode_ = Mode::ArrayStart;
            return Step::More;
        case '"':
            mode_ = Mode::String;
            in_key_ = false;
            return Step::More;
        case '-':
            mode_ = Mode::NumberMinus;
            return Step::More;
        case '0':
            mode_ = Mode::NumberZero;
            return Step::More;
        case 't':
            literal_ = "true";
            break;
        case 'f':
            literal_ = "false";
            break;
        case 'n':
            literal_ = "null";
            break;
        default:
            if (is_digit(c)) {
                mode_ = Mode::NumberInt;
                return Step::More;
            }
            return Step::Error;
    }
    mode_ = Mode::Literal;
    literal_pos_ = 1;
    return Step::More;
}

JsonScanner::Step JsonScanner::value_ended() {
    if (stack_.empty()) {
        mode_ = Mode::Done;
        return Step::Done;
    }
    mode_ = Mode::CommaOrEnd;
    return Step::More;
}

JsonScanner::Step JsonScanner::step_number(char c) {
    auto next = [&](Mode mode) {
        mode_ = mode;
        return Step::More;
    };
    switch (mode_) {
        case Mode::NumberMinus:
            if (c == '0') return next(Mode::NumberZero);
            if (is_digit(c)) return next(Mode::NumberInt);
            return Step::Error;
        case Mode::NumberZero:
        case Mode::NumberInt:
            if (mode_ == Mode::NumberInt && is_digit(c)) return Step::More;
            if (c == '.') return next(Mode::NumberDot);
            if (c == 'e' || c == 'E') return next(Mode::NumberExp);
            break;
        case Mode::NumberDot:
            if (is_digit(c)) return next(Mode::NumberFrac);
            return Step::Error;
        case Mode::NumberFrac:
            if (is_digit(c)) return Step::More;
            if (c == 'e' || c == 'E') return next(Mode::NumberExp);
            break;
        case Mode::NumberExp:
            if (c == '+' || c == '-') return next(Mode::NumberExpSign);
            if (is_digit(c)) return next(Mode::NumberExpInt);
            return Step::Error;
        case Mode::NumberExpSign:
            if (is_digit(c)) return next(Mode::NumberExpInt);
            return Step::Error;
        case Mode::NumberExpInt:
            if (is_digit(c)) return Step::More;
            break;
        default:
            return Step::Error;
    }
    // The number ended just before `c`; `c` belongs to whatever follows it.
    if (value_ended() == Step::Done) return Step::DoneBefore;
    return step(c);
}

JsonScanner::Step JsonScanner::step(char c) {
    if (tolerant_) return step_tolerant(c);
    const auto u = static_cast<unsigned char>(c);
    switch (mode_) {
        case Mode::Value:
            if (is_json_space(c)) return Step::More;
            return start_value(c);
        case Mode::ObjectStart:
        case Mode::Key:
            if (is_json_space(c)) return Step::More;
            if (c == '"') {
                mode_ = Mode::String;
                in_key_ = true;
                return Step::More;
            }
            if (c == '}' && mode_ == Mode::ObjectStart) {
                stack_.pop_back();
                return value_ended();
            }
            return Step::Error;
        case Mode::Colon:
            if (is_json_space(c)) return Step::More;
            if (c != ':') return Step::Error;
            mode_ = Mode::Value;
            return Step::More;
        case Mode::ArrayStart:
            if (is_json_space(c)) return Step::More;
            if (c == ']') {
                stack_.pop_back();
                return value_ended();
            }
            return start_value(c);
        case Mode::CommaOrEnd:
            if (is_json_space(c)) return Step::More;
            if (c == ',') {
                mode_ = stack_.back() == '{' ? Mode::Key : Mode::Value;
                return Step::More;
            }
            if ((c == '}' && stack_.back() == '{') || (c == ']' && stack_.back() == '[')) {
                stack_.pop_back();
                return value_ended();
            }
            return Step::Error;
        case Mode::String:
            if (c == '"') {
                if (in_key_) {
                    mode_ = Mode::Colon;
                    return Step::More;
                }
                return value_ended();
            }
            if (c == '\\') {
                mode_ = Mode::Escape;
                return Step::More;
            }
            if (u < 0x20) return Step::Error;  // control characters must be escaped
            return Step::More;
        case Mode::Escape:
            switch (c) {
                case '"':
                case '\\':
                case '/':
                case 'b':
                case 'f':
                case 'n':
                case 'r':
                case 't':
                    mode_ = Mode::String;
                    return Step::More;
                case 'u':
                    mode_ = Mode::Unicode;
                    n_hex_left_ = 4;
                    return Step::More;
                default:
                    return Step::Error;
            }
        case Mode::Unicode:
            if (!is_hex(c)) return Step::Error;
            if (--n_hex_left_ == 0) mode_ = Mode::String;
            return Step::More;
        case Mode::Literal:
            if (c != literal_[literal_pos_]) return Step::Error;
            if (++literal_pos_ == literal_.size()) return value_ended();
            return Step::More;
        case Mode::Done:
            return Step::Error;
        default:
            return step_number(c);
    }
}

void JsonScanner::tolerate() {
    if (tolerant_) return;
    tolerant_ = true;
    tolerant_depth_ = stack_.size();
    tolerant_in_string_ = mode_ == Mode::String || mode_ == Mode::Escape || mode_ == Mode::Unicode;
    tolerant_escape_ = mode_ == Mode::Escape;
}

JsonScanner::Step JsonScanner::step_tolerant(char c) {
    if (tolerant_in_string_) {
        if (tolerant_escape_) {
            tolerant_escape_ = false;
        } else if (c == '\\') {
            tolerant_escape_ = true;
        } else if (c == '"') {
            tolerant_in_string_ = false;
            if (tolerant_depth_ == 0) return Step::Done;
        }
        return Step::More;
    }
    if (tolerant_depth_ == 0) return Step::DoneBefore;  // nothing is open: the value is over
    if (c == '"') {
        tolerant_in_string_ = true;
    } else if (c == '{' || c == '[') {
        ++tolerant_depth_;
    } else if (c == '}' || c == ']') {
        if (--tolerant_depth_ == 0) return Step::Done;
    }
    return Step::More;
}

bool JsonScanner::complete_at_end() const {
    if (tolerant_) return false;
    if (mode_ == Mode::Done) return true;
    const bool number_may_end = mode_ == Mode::NumberZero || mode_ == Mode::NumberInt ||
                                mode_ == Mode::NumberFrac || mode_ == Mode::NumberExpInt;
    return number_may_end && stack_.empty();
}

}  // namespace vela::openai
