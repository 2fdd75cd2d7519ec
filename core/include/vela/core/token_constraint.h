// TokenConstraint: the per-request token-mask hook. Structured output (JSON schema grammars) and forced
// tool calls implement it in vela_openai; the engine only calls it around sampling.
//
// Per generated token the engine calls fill_allowed() before sampling, restricts sampling to the allowed
// tokens (plus the end-of-generation tokens when can_end() is true), then calls accept() with the
// sampled token. If nothing is allowed and can_end() is true, the request finishes with reason Stop;
// if nothing is allowed and it cannot end, the request fails with an error naming the constraint.
// Each sequence (each choice of an n > 1 request) gets its own instance from the request's factory.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "vela/core/types.h"

namespace vela {

/// Restricts which tokens a sequence may generate next.
class TokenConstraint {
  public:
    virtual ~TokenConstraint() = default;
    /// Sets bit (id % 32) of allowed[id / 32] for every token that may come next; `allowed` holds
    /// ceil(vocab_size / 32) words, all zero on entry.
    virtual void fill_allowed(std::span<uint32_t> allowed) = 0;
    /// Advances past `token`; returns false when `token` was not allowed.
    virtual bool accept(TokenId token) = 0;
    /// True when the text so far is complete, so an end-of-generation token may follow.
    virtual bool can_end() const = 0;
    /// A short description for error messages ("json_schema 'weather'", "tool_choice required").
    virtual std::string describe() const = 0;
};

/// Makes a fresh constraint for one sequence.
using TokenConstraintFactory = std::function<std::unique_ptr<TokenConstraint>()>;

}  // namespace vela
