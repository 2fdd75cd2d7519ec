// ArgsParser: reads a call's arguments value and streams its bytes to a CallBuilder as they arrive.
//
// The value is either a JSON object, passed through byte for byte (no re-serialization, no key
// reordering), or a JSON string whose decoded text is the arguments ("arguments": "{\"a\":1}"), decoded
// exactly once; an empty string stands for "{}". Before the call commits, malformed input makes step()
// return Fail so the region can release its text; after it, the value is read tolerantly to its end
// and reported as invalid.
#pragma once

#include <cstdint>
#include <string>

#include "tool_parsers/call_builder.h"
#include "tool_parsers/json_scanner.h"
#include "tool_parsers/json_string_decoder.h"

namespace vela::openai {

/// Reads one arguments value.
class ArgsParser {
  public:
    /// What one byte did.
    enum class Step : uint8_t {
        More,  // consumed; the value goes on
        Done,  // consumed; it completed the value
        Fail,  // malformed before the call committed
    };

    /// Feeds one byte of the value; the first byte must be '{' or '"'.
    Step step(char c, CallBuilder& calls);

  private:
    enum class Kind : uint8_t { Unknown, Object, String };

    Step step_object(char c, CallBuilder& calls);
    Step step_string(char c, CallBuilder& calls);

    Kind kind_ = Kind::Unknown;
    JsonScanner object_;         // the object value
    JsonStringDecoder string_;   // the string value
    JsonScanner decoded_json_;   // validates the decoded text of a string value
    bool decoded_done_ = false;  // decoded_json_ completed; only whitespace may follow
    bool decoded_trailing_ok_ = true;
    bool decoded_any_ = false;  // the string decoded to at least one byte
    bool valid_ = true;
    std::string scratch_;
};

}  // namespace vela::openai
