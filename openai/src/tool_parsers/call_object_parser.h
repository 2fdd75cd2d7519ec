// CallObjectParser: reads one call written as a JSON object, {"name": ..., "arguments": {...}}.
//
// The object's keys are read at depth 1 only: "name" (and "function" where a format allows it) gives
// the function name, "arguments" or "parameters" the arguments (streamed through ArgsParser while they
// arrive), "id" a model-chosen call id where the format has one; any other key's value is validated and
// skipped. A missing arguments key means "{}" except in a markerless (bare) call, which must have one.
// Before the call commits, any malformation returns Fail; after it, the rest of the object is skipped
// tolerantly up to its closing brace.
#pragma once

#include <cstdint>
#include <string>

#include "tool_parsers/args_parser.h"
#include "tool_parsers/call_builder.h"
#include "tool_parsers/json_scanner.h"
#include "tool_parsers/json_string_decoder.h"

namespace vela::openai {

/// Which keys a format's call objects use.
struct CallObjectRules {
    bool function_key_is_name = false;  // "function": "NAME" names the call too (generic JSON)
    bool id_key = false;                // "id": "..." is the model's call id (Mistral)
    bool bare = false;                  // no marker introduced it: needs an arguments key and a known name
};

/// Reads one call object.
class CallObjectParser {
  public:
    /// What one byte did.
    enum class Step : uint8_t {
        More,  // consumed; the object goes on
        Done,  // consumed; the object and its call are complete
        Fail,  // malformed before the call committed
    };

    /// Longest function name accepted.
    static constexpr size_t kMaxNameBytes = 256;
    /// Longest model-emitted call id accepted.
    static constexpr size_t kMaxIdBytes = 64;

    explicit CallObjectParser(CallObjectRules rules) : rules_(rules) {}
    /// Feeds one byte; the first must be '{'.
    Step step(char c, CallBuilder& calls);

  private:
    enum class State : uint8_t {
        Open,        // expecting '{'
        FirstKey,    // a key or '}'
        Key,         // a key, after ','
        InKey,       // inside a key string
        Colon,       // after a key
        Value,       // a value must start
        InName,      // inside the name string
        InId,        // inside the id string
        InArgs,      // inside the arguments value
        InOther,     // inside a value we skip
        AfterValue,  // ',' or '}'
        Tolerant,    // committed call, malformed object: looking for its closing brace
    };

    Step start_value(char c, CallBuilder& calls);
    Step close(CallBuilder& calls);
    Step malformed(char c, CallBuilder& calls, bool in_string);

    CallObjectRules rules_;
    State state_ = State::Open;
    std::string key_;
    std::string text_;  // the name or id being decoded
    JsonStringDecoder string_;
    ArgsParser args_;
    JsonScanner other_;
    JsonScanner tolerant_;
    bool have_name_ = false;
    bool have_args_ = false;
};

}  // namespace vela::openai
