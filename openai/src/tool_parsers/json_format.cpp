// Generic JSON tool calls: the whole output (after optional whitespace) is one call object
// {"name"|"function": NAME, "arguments"|"parameters": ARGS} or an array of them. There are no markers,
// so the region opens at a '{' or '[' that starts the content; each object needs an arguments key and,
// when the request lists its tools, a known name. Text after the JSON is content.
#include <memory>

#include "tool_parsers/call_object_parser.h"
#include "tool_parsers/format_factories.h"
#include "tool_parsers/json_scanner.h"

namespace vela::openai {
namespace {

constexpr CallObjectRules kRules{.function_key_is_name = true, .bare = true};

class JsonRegion final : public CallRegion {
  public:
    RegionStep step(char c, CallBuilder& calls) override {
        switch (state_) {
            case State::Lead:
                if (c == '[') {
                    state_ = State::ArrayNext;
                    return RegionStep::Continue;
                }
                state_ = State::Object;
                in_array_ = false;
                return step_object(c, calls);
            case State::ArrayNext:
                if (is_json_space(c)) return RegionStep::Continue;
                if (c != '{') return RegionStep::Abort;
                state_ = State::Object;
                in_array_ = true;
                object_ = CallObjectParser{kRules};
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
            case State::Tail:
                if (is_json_space(c)) return RegionStep::Continue;
                return RegionStep::Abort;
        }
        return RegionStep::Abort;
    }

  private:
    enum class State : uint8_t { Lead, ArrayNext, Object, ArraySeparator, Tail };

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
    CallObjectParser object_{kRules};
};

}  // namespace

std::unique_ptr<CallRegion> make_json_region(bool /*bare*/) {
    return std::make_unique<JsonRegion>();
}

}  // namespace vela::openai
