// Mistral tool calls, in both of the forms Mistral's templates render:
//   - the array form (v3, Nemo): [TOOL_CALLS] [{"name": ..., "arguments": {...}, "id": ...}, ...],
//     optionally closed by [/TOOL_CALLS]; a single object without the brackets is accepted too;
//   - the name form (v11+, Small 3.2, Devstral, Ministral): [TOOL_CALLS]NAME[ARGS]{...}, optionally
//     [TOOL_CALLS]NAME[CALL_ID]ID[ARGS]{...}, one marker per call.
// What follows the marker tells the two apart ('[' or '{' versus a name). An id the model emits
// ([CALL_ID], or "id" in an array element that arrives before the call commits) is kept.
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

constexpr std::array<std::string_view, 1> kEndMarkers = {"[/TOOL_CALLS]"};
constexpr std::array<std::string_view, 2> kAfterName = {"[ARGS]", "[CALL_ID]"};
constexpr std::array<std::string_view, 1> kAfterId = {"[ARGS]"};
constexpr CallObjectRules kRules{.id_key = true};

bool is_id_char(char c) {
    return is_name_char(c) && c != '.';
}

class MistralRegion final : public CallRegion {
  public:
    RegionStep step(char c, CallBuilder& calls) override {
        switch (state_) {
            case State::Lead:
                if (is_json_space(c)) return RegionStep::Continue;
                if (c == '[') {
                    state_ = State::ArrayNext;
                    return RegionStep::Continue;
                }
                if (c == '{') {
                    in_array_ = false;
                    state_ = State::Object;
                    return step_object(c, calls);
                }
                state_ = State::Name;
                return step_name(c, calls);
            case State::ArrayNext:
                if (is_json_space(c)) return RegionStep::Continue;
                if (c != '{') return RegionStep::Abort;
                in_array_ = true;
                object_ = CallObjectParser{kRules};
                state_ = State::Object;
                return step_object(c, calls);
            case State::Object:
                return step_object(c, calls);
            case State::ArraySeparator:
                if (is_json_space(c)) return RegionStep::Continue;
                if (c == ',') {
                    state_ = State::ArrayNext;
                    return RegionStep::Continue;
                }
                if (c == ']') {
                    state_ = State::Tail;
                    return RegionStep::Consumed;
                }
                return RegionStep::Abort;
            case State::Name:
                return step_name(c, calls);
            case State::NameMarker:
                switch (marker_.step(c)) {
                    case MarkerMatch::Step::Partial:
                        return RegionStep::Continue;
                    case MarkerMatch::Step::Mismatch:
                        return RegionStep::Abort;
                    case MarkerMatch::Step::Matched:
                        break;
                }
                calls.set_name(std::move(text_));
                text_.clear();
                state_ = marker_.matched() == 0 ? State::ArgsLead : State::Id;
                return RegionStep::Continue;
            case State::Id:
                if (c == '[' && !text_.empty()) {
                    state_ = State::IdMarker;
                    id_marker_.reset();
                    return id_marker_.step(c) == MarkerMatch::Step::Partial ? RegionStep::Continue
                                                                            : RegionStep::Abort;
                }
                if (!is_id_char(c) || text_.size() >= CallObjectParser::kMaxIdBytes) return RegionStep::Abort;
                text_.push_back(c);
                return RegionStep::Continue;
            case State::IdMarker:
                switch (id_marker_.step(c)) {
                    case MarkerMatch::Step::Partial:
                        return RegionStep::Continue;
                    case MarkerMatch::Step::Mismatch:
                        return RegionStep::Abort;
                    case MarkerMatch::Step::Matched:
                        break;
                }
                calls.set_id(std::move(text_));
                text_.clear();
                state_ = State::ArgsLead;
                return RegionStep::Continue;
            case State::ArgsLead:
                if (is_json_space(c)) return RegionStep::Continue;
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
        Lead,            // after [TOOL_CALLS]: '[', '{' or a name
        ArrayNext,       // an array element or ']'
        Object,          // inside a call object
        ArraySeparator,  // ',' or ']'
        Name,            // NAME of the name form
        NameMarker,      // [ARGS] or [CALL_ID] after the name
        Id,              // ID after [CALL_ID]
        IdMarker,        // [ARGS] after the id
        ArgsLead,        // whitespace before the arguments
        Args,            // the arguments value
        Tail,            // optional [/TOOL_CALLS]
    };

    RegionStep step_name(char c, CallBuilder& /*calls*/) {
        if (c == '[' && !text_.empty()) {
            state_ = State::NameMarker;
            marker_.reset();
            return marker_.step(c) == MarkerMatch::Step::Partial ? RegionStep::Continue : RegionStep::Abort;
        }
        if (!is_name_char(c) || text_.size() >= CallObjectParser::kMaxNameBytes) return RegionStep::Abort;
        text_.push_back(c);
        return RegionStep::Continue;
    }

    RegionStep step_object(char c, CallBuilder& calls) {
        switch (object_.step(c, calls)) {
            case CallObjectParser::Step::More:
                return RegionStep::Continue;
            case CallObjectParser::Step::Done:
                state_ = in_array_ ? State::ArraySeparator : State::Tail;
                return RegionStep::Continue;
            case CallObjectParser::Step::Fail:
                return RegionStep::Abort;
        }
        return RegionStep::Abort;
    }

    State state_ = State::Lead;
    bool in_array_ = false;
    std::string text_;  // the name or id being read
    CallObjectParser object_{kRules};
    MarkerMatch marker_{kAfterName};
    MarkerMatch id_marker_{kAfterId};
    ArgsParser args_;
    RegionTail tail_{kEndMarkers};
};

}  // namespace

std::unique_ptr<CallRegion> make_mistral_region(bool /*bare*/) {
    return std::make_unique<MistralRegion>();
}

}  // namespace vela::openai
