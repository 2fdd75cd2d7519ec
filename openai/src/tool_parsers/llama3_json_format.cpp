// Llama 3.x JSON tool calls: <|python_tag|>{"name": ..., "parameters": {...}}, several separated by
// ';', ended by <|eom_id|> or <|eot_id|> (or the end of the output); and the same object with no marker
// when it opens the content (leading whitespace allowed), which is how Llama 3.1-3.3 answer when the
// template asks for "JSON for a function call". A markerless object must carry an arguments key
// ("parameters" or "arguments") and, when the request lists its tools, name one of them, so an ordinary
// JSON answer is not mistaken for a call.
#include <array>
#include <memory>
#include <string_view>

#include "tool_parsers/call_object_parser.h"
#include "tool_parsers/format_factories.h"
#include "tool_parsers/json_scanner.h"

namespace vela::openai {
namespace {

constexpr std::array<std::string_view, 2> kEndMarkers = {"<|eom_id|>", "<|eot_id|>"};

class Llama3JsonRegion final : public CallRegion {
  public:
    explicit Llama3JsonRegion(bool bare) : rules_{.bare = bare} {}

    RegionStep step(char c, CallBuilder& calls) override {
        switch (state_) {
            case State::Lead:
            case State::AfterSeparator:
                if (is_json_space(c)) return RegionStep::Continue;
                if (c != '{') return RegionStep::Abort;
                state_ = State::Object;
                object_ = CallObjectParser{rules_};
                [[fallthrough]];
            case State::Object:
                switch (object_.step(c, calls)) {
                    case CallObjectParser::Step::More:
                        return RegionStep::Continue;
                    case CallObjectParser::Step::Done:
                        state_ = State::Tail;
                        tail_ = RegionTail{kEndMarkers};
                        tail_started_ = false;
                        return RegionStep::Continue;
                    case CallObjectParser::Step::Fail:
                        return RegionStep::Abort;
                }
                return RegionStep::Abort;
            case State::Tail:
                if (c == ';' && !tail_started_) {
                    state_ = State::AfterSeparator;
                    return RegionStep::Continue;
                }
                tail_started_ = tail_started_ || !is_json_space(c);
                return tail_.step(c);
        }
        return RegionStep::Abort;
    }

  private:
    enum class State : uint8_t { Lead, Object, Tail, AfterSeparator };
    CallObjectRules rules_;
    State state_ = State::Lead;
    CallObjectParser object_{rules_};
    RegionTail tail_{kEndMarkers};
    bool tail_started_ = false;  // an end marker has begun, so ';' no longer separates calls
};

}  // namespace

std::unique_ptr<CallRegion> make_llama3_json_region(bool bare) {
    return std::make_unique<Llama3JsonRegion>(bare);
}

}  // namespace vela::openai
