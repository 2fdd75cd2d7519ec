// Qwen's function-call format (Qwen-Agent, Qwen1.5/2 chat): a call is
//   ✿FUNCTION✿: NAME
//   ✿ARGS✿: {...}
// and may be followed by ✿RESULT✿ or ✿RETURN✿, which end it (they are also stop sequences, since the
// model would go on to invent the tool's result). Calls may repeat; the arguments must be JSON.
#include <array>
#include <memory>
#include <string>
#include <string_view>

#include "tool_parsers/args_parser.h"
#include "tool_parsers/call_object_parser.h"
#include "tool_parsers/format_factories.h"
#include "tool_parsers/json_scanner.h"

namespace vela::openai {
namespace {

constexpr std::array<std::string_view, 1> kArgsMarker = {"✿ARGS✿"};
constexpr std::array<std::string_view, 2> kEndMarkers = {"✿RESULT✿", "✿RETURN✿"};

bool is_line_space(char c) {
    return c == ' ' || c == '\t' || c == '\r';
}

class QwenFunctionRegion final : public CallRegion {
  public:
    RegionStep step(char c, CallBuilder& calls) override {
        switch (state_) {
            case State::NameLead:
                if (is_line_space(c) || (c == ':' && !colon_seen_)) {
                    colon_seen_ = colon_seen_ || c == ':';
                    return RegionStep::Continue;
                }
                state_ = State::Name;
                [[fallthrough]];
            case State::Name:
                if (is_name_char(c) && name_.size() < CallObjectParser::kMaxNameBytes) {
                    name_.push_back(c);
                    return RegionStep::Continue;
                }
                if (name_.empty()) return RegionStep::Abort;
                state_ = State::NameEnd;
                [[fallthrough]];
            case State::NameEnd:
                if (is_line_space(c)) return RegionStep::Continue;
                if (c != '\n') return RegionStep::Abort;
                calls.set_name(std::move(name_));
                state_ = State::ArgsMarkerLead;
                return RegionStep::Continue;
            case State::ArgsMarkerLead:
                if (is_json_space(c)) return RegionStep::Continue;
                state_ = State::ArgsMarker;
                [[fallthrough]];
            case State::ArgsMarker:
                switch (marker_.step(c)) {
                    case MarkerMatch::Step::Partial:
                        return RegionStep::Continue;
                    case MarkerMatch::Step::Mismatch:
                        return RegionStep::Abort;
                    case MarkerMatch::Step::Matched:
                        state_ = State::ArgsLead;
                        colon_seen_ = false;
                        return RegionStep::Continue;
                }
                return RegionStep::Abort;
            case State::ArgsLead:
                if (is_line_space(c) || (c == ':' && !colon_seen_)) {
                    colon_seen_ = colon_seen_ || c == ':';
                    return RegionStep::Continue;
                }
                state_ = State::Args;
                [[fallthrough]];
            case State::Args:
                switch (args_.step(c, calls)) {
                    case ArgsParser::Step::More:
                        return RegionStep::Continue;
                    case ArgsParser::Step::Done:
                        if (!calls.close_call()) return RegionStep::Abort;
                        state_ = State::Tail;
                        return RegionStep::Continue;
                    case ArgsParser::Step::Fail:
                        return RegionStep::Abort;
                }
                return RegionStep::Abort;
            case State::Tail:
                return tail_.step(c);
        }
        return RegionStep::Abort;
    }

  private:
    enum class State : uint8_t {
        NameLead,        // ': ' after ✿FUNCTION✿
        Name,            // the function name
        NameEnd,         // spaces up to the newline
        ArgsMarkerLead,  // whitespace before ✿ARGS✿
        ArgsMarker,      // ✿ARGS✿
        ArgsLead,        // ': ' after ✿ARGS✿
        Args,            // the arguments JSON
        Tail,            // optional ✿RESULT✿ / ✿RETURN✿
    };

    State state_ = State::NameLead;
    bool colon_seen_ = false;
    std::string name_;
    MarkerMatch marker_{kArgsMarker};
    ArgsParser args_;
    RegionTail tail_{kEndMarkers};
};

}  // namespace

std::unique_ptr<CallRegion> make_qwen_function_region(bool /*bare*/) {
    return std::make_unique<QwenFunctionRegion>();
}

}  // namespace vela::openai
