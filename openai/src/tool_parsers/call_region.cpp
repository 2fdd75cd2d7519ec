#include "tool_parsers/call_region.h"

#include "tool_parsers/json_scanner.h"

namespace vela::openai {

bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
}

RegionStep RegionTail::step(char c) {
    if (!match_.started() && is_json_space(c)) return RegionStep::Continue;
    switch (match_.step(c)) {
        case MarkerMatch::Step::Partial:
            return RegionStep::Continue;
        case MarkerMatch::Step::Matched:
            return RegionStep::End;
        case MarkerMatch::Step::Mismatch:
            break;
    }
    return RegionStep::Abort;
}

}  // namespace vela::openai
