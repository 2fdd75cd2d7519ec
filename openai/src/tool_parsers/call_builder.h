// CallBuilder: the interface through which a format's region parser reports the pieces of a call.
//
// OutputParser implements it. It decides when a call is committed, that is when its ToolCallBegin and
// buffered arguments go out: in streaming mode as soon as the name is known and the arguments have
// begun, otherwise only when the call is complete. Before the commit, any malformation makes the region
// release its text as content; after it, region parsers must tolerate malformed input (the events
// cannot be taken back), and the call ends with arguments_valid = false.
#pragma once

#include <string>
#include <string_view>

namespace vela::openai {

/// Receives the pieces of the call a region parser is reading.
class CallBuilder {
  public:
    virtual ~CallBuilder() = default;
    /// The call's function name (once per call; before or after its arguments).
    virtual void set_name(std::string name) = 0;
    /// An id the model emitted itself; kept when it arrives before the call commits.
    virtual void set_id(std::string id) = 0;
    /// The arguments value begins.
    virtual void begin_args() = 0;
    /// The next bytes of the arguments text.
    virtual void append_args(std::string_view bytes) = 0;
    /// The arguments value is complete; `valid` is false when it is not valid JSON.
    virtual void finish_args(bool valid) = 0;
    /// The call is complete. False when it cannot be accepted (an uncommitted call without a name or
    /// with invalid arguments); the region then aborts and its text becomes content.
    [[nodiscard]] virtual bool close_call() = 0;
    /// True once the call in progress has been emitted and can no longer be taken back.
    virtual bool committed() const = 0;
    /// Whether a markerless (bare JSON) call may name this function.
    virtual bool accepts_bare_name(std::string_view name) const = 0;
};

}  // namespace vela::openai
