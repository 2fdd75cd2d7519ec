#include "engine/choice_state.h"

#include <algorithm>
#include <exception>
#include <utility>

namespace vela {

namespace {

bool has_bit(std::span<const uint32_t> mask, TokenId id) {
    return ((mask[id / 32] >> (id % 32)) & 1u) != 0;
}

bool contains(std::span<const TokenId> ids, TokenId id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
}

std::string exception_text(std::exception_ptr error) {
    try {
        std::rethrow_exception(std::move(error));
    } catch (const std::exception& e) {
        return e.what();
    } catch (...) {
        return "an unknown exception";
    }
}

}  // namespace

ChoiceState::ChoiceState(const GenerationParams& params, const Tokenizer& tokenizer, Sequence seq,
                         Sampler sampler)
    : params_(&params),
      seq_(std::move(seq)),
      sampler_(std::move(sampler)),
      tokenizer_vocab_size_(tokenizer.vocab_size()),
      detokenizer_(tokenizer, DecodeOptions{.skip_special = params.skip_special_tokens}),
      stops_(params.stop) {}

std::optional<std::string> ChoiceState::make_constraint() {
    if (!params_->constraint) return std::nullopt;
    try {
        constraint_ = params_->constraint();
    } catch (...) {
        return "the token constraint factory failed: " + exception_text(std::current_exception());
    }
    if (!constraint_) return std::string("the token constraint factory returned no constraint");
    return std::nullopt;
}

std::optional<FinishReason> ChoiceState::prepare_mask(std::span<const TokenId> eog_ids, int32_t vocab_size) {
    if (!constraint_) return std::nullopt;
    mask_.assign(static_cast<size_t>((vocab_size + 31) / 32), 0u);
    bool can_end = false;
    try {
        constraint_->fill_allowed(mask_);
        can_end = constraint_->can_end();
    } catch (...) {
        return FinishReason::error("token constraint failed: " + exception_text(std::current_exception()));
    }
    // Bits past the vocabulary mean nothing; clear them so they cannot count as allowed.
    if (vocab_size % 32 != 0) mask_.back() &= (1u << (vocab_size % 32)) - 1u;
    const bool any = std::any_of(mask_.begin(), mask_.end(), [](uint32_t w) { return w != 0; });
    eog_from_end_.clear();
    if (can_end) {
        for (const TokenId eog : eog_ids) {
            if (eog >= vocab_size || has_bit(mask_, eog)) continue;
            mask_[static_cast<size_t>(eog / 32)] |= 1u << (eog % 32);
            eog_from_end_.push_back(eog);
        }
    }
    if (any) return std::nullopt;
    if (can_end) return FinishReason::stop();
    std::string what;
    try {
        what = constraint_->describe();
    } catch (...) {
        what = "token constraint";
    }
    return FinishReason::error(what + " allows no token after " + std::to_string(seq_.n_generated()) +
                               " generated tokens and cannot end there; the request cannot be completed");
}

std::string ChoiceState::release_all() {
    std::string text;
    const StopScan scan = stops_.push(detokenizer_.flush());
    text = scan.text;
    if (!scan.match) text += stops_.flush();
    return text;
}

GenerationEvent ChoiceState::advance(const SampledToken& sampled, std::span<const TokenId> eog_ids) {
    const TokenId token = sampled.token;
    GenerationEvent event;
    event.choice = seq_.choice;
    event.token_ids.push_back(token);
    if (params_->logprobs) event.logprobs.push_back(TokenLogprob{token, sampled.logprob, sampled.top});

    if (constraint_ && !contains(eog_from_end_, token)) {
        bool accepted = false;
        try {
            accepted = constraint_->accept(token);
        } catch (...) {
            seq_.tokens.push_back(token);
            event.finish_reason =
                FinishReason::error("token constraint failed: " + exception_text(std::current_exception()));
            finished_ = true;
            return event;
        }
        if (!accepted) {
            seq_.tokens.push_back(token);
            event.finish_reason = FinishReason::error("token constraint rejected token " +
                                                      std::to_string(token) + ", which its own mask allowed");
            finished_ = true;
            return event;
        }
    }
    seq_.tokens.push_back(token);
    sampler_.accept(token);

    const bool ends =
        (!params_->ignore_eos && contains(eog_ids, token)) || contains(params_->stop_token_ids, token);
    if (ends) {
        event.text = release_all();
        event.finish_reason = FinishReason::stop();
    } else {
        // Models may have more logits than the tokenizer has tokens (padded embeddings); such ids have no
        // text.
        const StopScan scan =
            stops_.push(token < tokenizer_vocab_size_ ? detokenizer_.push(token) : std::string());
        event.text = scan.text;
        if (scan.match) {
            event.finish_reason = FinishReason::stop_sequence(*scan.match);
        } else if (seq_.n_generated() >= params_->max_tokens || seq_.n_tokens() >= seq_.max_total_tokens) {
            const StopScan last = stops_.push(detokenizer_.flush());
            event.text += last.text;
            if (last.match) {
                event.finish_reason = FinishReason::stop_sequence(*last.match);
            } else {
                event.text += stops_.flush();
                event.finish_reason = FinishReason::length();
            }
        }
    }
    finished_ = event.finish_reason.has_value();
    return event;
}

GenerationEvent ChoiceState::end(FinishReason reason) {
    GenerationEvent event;
    event.choice = seq_.choice;
    if (reason.kind != FinishReason::Kind::Error) event.text = release_all();
    event.finish_reason = std::move(reason);
    finished_ = true;
    return event;
}

}  // namespace vela
