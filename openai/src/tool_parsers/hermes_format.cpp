// Qwen / Hermes tool calls: <tool_call>{"name": ..., "arguments": {...}}</tool_call>, repeatable, with
// text before, between and after them. Whitespace may surround the object inside the tags. A call
// whose object is complete but whose closing tag never came (the output stopped) still counts.
#include <array>
#include <memory>
#include <string_view>

#include "tool_parsers/call_object_parser.h"
#include "tool_parsers/format_factories.h"
#include "tool_parsers/json_scanner.h"

namespace vela::openai {
namespace {

constexpr std::array<std::string_view, 1> kEndMarkers = {"</tool_call>"};

class HermesRegion final : public CallRegion {
  public:
    RegionStep step(char c, CallBuilder& calls) override {
        switch (state_) {
            case State::Lead:
                if (is_json_space(c)) return RegionStep::Continue;
                state_ = State::Object;
                [[fallthrough]];
            case State::Object:
                switch (object_.step(c, calls)) {
                    case CallObjectParser::Step::More:
                        return RegionStep::Continue;
                    case CallObjectParser::Step::Done:
                        state_ = State::Tail;
                        return RegionStep::Continue;
                    case CallObjectParser::Step::Fail:
                        return RegionStep::Abort;
                }
                return RegionStep::Abort;
            case State::Tail:
                return tail_.step(c);
        }
        return RegionStep::Abort;
    }

  private:
    enum class State : uint8_t { Lead, Object, Tail };
    State state_ = State::Lead;
    CallObjectParser object_{CallObjectRules{}};
    RegionTail tail_{kEndMarkers};
};

}  // namespace

std::unique_ptr<CallRegion> make_hermes_region(bool /*bare*/) {
    return std::make_unique<HermesRegion>();
}

}  // namespace vela::openai
