// ChoiceState: everything one choice of a request carries besides the scheduler's Sequence: its sampler,
// token constraint, incremental detokenizer and stop-string matcher, and the rules that end it.
//
// Per step the engine asks it for the constraint's token mask (prepare_mask), samples with its Sampler,
// and hands the sampled token to advance(), which appends it, turns it into text and decides whether the
// choice is over: an end-of-generation token (unless ignore_eos) or a stop token id ends it with Stop
// (the token is kept in the ids, its text is not added), a completed stop string with StopSequence (the
// text is cut before it), max_tokens or the sequence's length limit with Length. Calls into the
// constraint are guarded: a constraint that throws fails its own choice, not the engine.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "sampling/sampler.h"
#include "sampling/stop_string_matcher.h"
#include "sched/sequence.h"
#include "vela/core/output.h"
#include "vela/core/params.h"
#include "vela/core/token_constraint.h"
#include "vela/core/tokenizer.h"

namespace vela {

/// The generation state of one choice.
class ChoiceState {
  public:
    /// A choice of a request with `params` (which must outlive it) over `tokenizer`, generating after
    /// `seq`'s tokens with `sampler`.
    ChoiceState(const GenerationParams& params, const Tokenizer& tokenizer, Sequence seq, Sampler sampler);

    /// Makes this choice's constraint from the request's factory (if any); an error message when the
    /// factory fails.
    std::optional<std::string> make_constraint();

    /// The scheduler's view of this choice.
    Sequence& seq() { return seq_; }
    /// The sampler.
    Sampler& sampler() { return sampler_; }
    /// True once the final event was produced.
    bool finished() const { return finished_; }

    /// Computes the constraint's token mask for the next token (allowing `eog_ids` when it can end);
    /// returns how the choice ends when the constraint allows nothing.
    std::optional<FinishReason> prepare_mask(std::span<const TokenId> eog_ids, int32_t vocab_size);
    /// The mask prepare_mask() computed, or empty when unconstrained.
    std::span<const uint32_t> mask() const { return mask_; }

    /// Appends `sampled` and returns its event; the event has a finish reason when the choice is over.
    GenerationEvent advance(const SampledToken& sampled, std::span<const TokenId> eog_ids);
    /// The final event for an ending without a new token (constraint, cancellation, error).
    GenerationEvent end(FinishReason reason);

  private:
    std::string release_all();

    const GenerationParams* params_;
    Sequence seq_;
    Sampler sampler_;
    std::unique_ptr<TokenConstraint> constraint_;
    int32_t tokenizer_vocab_size_;
    IncrementalDetokenizer detokenizer_;
    StopStringMatcher stops_;
    std::vector<uint32_t> mask_;         // allowed-token bits, when constrained
    std::vector<TokenId> eog_from_end_;  // EOG tokens allowed only because the constraint can end
    bool finished_ = false;
};

}  // namespace vela
