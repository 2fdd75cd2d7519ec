// <function=NAME>{...}</function> tool calls (Llama 3.1's custom tool format, functionary v3.1): the
// name comes from the tag and the body is the arguments JSON, verbatim. An empty body means "{}". The
// closing tag may be missing at the end of the output; calls may repeat with text between them.
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

constexpr std::array<std::string_view, 1> kEndMarkers = {"</function>"};

class FunctionTagRegion final : public CallRegion {
  public:
    RegionStep step(char c, CallBuilder& calls) override {
        switch (state_) {
            case State::Name:
                if (c == '>' && !name_.empty()) {
                    calls.set_name(std::move(name_));
                    state_ = State::Lead;
                    return RegionStep::Continue;
                }
                if (!is_name_char(c) || name_.size() >= CallObjectParser::kMaxNameBytes)
                    return RegionStep::Abort;
                name_.push_back(c);
                return RegionStep::Continue;
            case State::Lead:
                if (is_json_space(c)) return RegionStep::Continue;
                if (c == '<') {  // maybe </function> right away: a call without arguments
                    state_ = State::EmptyBody;
                    return step_empty_body(c, calls);
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
            case State::EmptyBody:
                return step_empty_body(c, calls);
            case State::Tail:
                return tail_.step(c);
        }
        return RegionStep::Abort;
    }

  private:
    enum class State : uint8_t { Name, Lead, Args, EmptyBody, Tail };

    RegionStep step_empty_body(char c, CallBuilder& calls) {
        const RegionStep r = tail_.step(c);
        if (r != RegionStep::End) return r;
        calls.begin_args();
        calls.append_args("{}");
        calls.finish_args(true);
        return calls.close_call() ? RegionStep::End : RegionStep::Abort;
    }

    State state_ = State::Name;
    std::string name_;
    ArgsParser args_;
    RegionTail tail_{kEndMarkers};
};

}  // namespace

std::unique_ptr<CallRegion> make_function_tag_region(bool /*bare*/) {
    return std::make_unique<FunctionTagRegion>();
}

}  // namespace vela::openai
