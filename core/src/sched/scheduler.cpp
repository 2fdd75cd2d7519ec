#include "sched/scheduler.h"

#include <algorithm>

#include "vela/core/assert.h"

namespace vela {

int32_t SchedulerOutput::n_logit_rows() const {
    return static_cast<int32_t>(std::count_if(scheduled.begin(), scheduled.end(),
                                              [](const ScheduledSequence& s) { return s.want_logits; }));
}

Scheduler::Scheduler(const SchedulerConfig& config, BlockPool& pool) : config_(config), blocks_(pool) {
    VELA_ASSERT(
        config.max_num_seqs >= 1 && config.max_num_batched_tokens >= 1 && config.prefill_chunk_size >= 0,
        "scheduler limits must be positive");
}

void Scheduler::add(Sequence& seq) {
    VELA_ASSERT(seq.n_tokens() >= 1 && seq.block_table.empty(), "a new sequence has tokens and no blocks");
    seq.status = SequenceStatus::Waiting;
    waiting_.push_back(&seq);
}

void Scheduler::add_forks(const Sequence& parent, const std::vector<Sequence*>& children) {
    auto it = std::find(running_.begin(), running_.end(), &parent);
    VELA_ASSERT(it != running_.end(), "forking a sequence that is not running");
    for (Sequence* child : children) {
        blocks_.fork(parent, *child);
        child->status = SequenceStatus::Running;
        child->n_tokens_cached = parent.n_tokens_cached;
        it = running_.insert(it + 1, child);
    }
}

void Scheduler::finish(Sequence& seq) {
    if (seq.status == SequenceStatus::Waiting) {
        waiting_.erase(std::find(waiting_.begin(), waiting_.end(), &seq));
    } else if (seq.status == SequenceStatus::Running) {
        running_.erase(std::find(running_.begin(), running_.end(), &seq));
    }
    blocks_.free(seq);
    seq.status = SequenceStatus::Finished;
}

int32_t Scheduler::n_new_tokens(const Sequence& seq, int32_t budget) const {
    int32_t n = std::min(seq.n_tokens() - seq.n_tokens_computed, budget);
    if (config_.prefill_chunk_size > 0) n = std::min(n, config_.prefill_chunk_size);
    return n;
}

int32_t Scheduler::n_seq_slots() const {
    int32_t n = 0;
    for (const Sequence* seq : running_)
        n += seq->n_choices_after_prefill;
    return n;
}

void Scheduler::preempt(Sequence& seq, SchedulerOutput& out) {
    running_.erase(std::find(running_.begin(), running_.end(), &seq));
    blocks_.free(seq);
    seq.status = SequenceStatus::Waiting;
    ++seq.n_preemptions;
    waiting_.push_front(&seq);
    out.preempted.push_back(&seq);
}

// Frees blocks for `seq` by preempting the newest running sequences; false when `seq` itself had to go.
bool Scheduler::make_room(Sequence& seq, int32_t n_new, SchedulerOutput& out) {
    while (blocks_.n_blocks_needed(seq, n_new) > blocks_.pool().n_free()) {
        Sequence* victim = running_.back();
        preempt(*victim, out);
        if (victim == &seq) return false;
    }
    return true;
}

SchedulerOutput Scheduler::schedule() {
    SchedulerOutput out;
    int32_t budget = config_.max_num_batched_tokens;
    for (size_t i = 0; i < running_.size() && budget > 0; ++i) {
        Sequence& seq = *running_[i];
        const int32_t n_new = n_new_tokens(seq, budget);
        VELA_ASSERT(n_new > 0, "a running sequence with nothing to compute");
        if (!make_room(seq, n_new, out)) break;  // it was the newest: nothing after it runs either
        blocks_.allocate_slots(seq, n_new, out.copies);
        out.scheduled.push_back(
            ScheduledSequence{&seq, n_new, seq.n_tokens_computed + n_new == seq.n_tokens()});
        budget -= n_new;
    }
    if (out.preempted.empty()) admit_waiting(budget, out);
    build_batch(out);
    return out;
}

void Scheduler::admit_waiting(int32_t& budget, SchedulerOutput& out) {
    while (!waiting_.empty() && budget > 0) {
        Sequence& seq = *waiting_.front();
        if (n_seq_slots() + seq.n_choices_after_prefill > config_.max_num_seqs) break;
        const PrefixHit hit = blocks_.find_prefix(seq);
        int32_t n_new = std::min(seq.n_tokens() - hit.n_tokens, budget);
        if (config_.prefill_chunk_size > 0) n_new = std::min(n_new, config_.prefill_chunk_size);
        if (!blocks_.can_admit(seq, hit, n_new)) break;  // FCFS: nobody overtakes the head of the queue
        waiting_.pop_front();
        blocks_.admit(seq, hit);
        if (seq.n_tokens_cached < 0) {
            seq.n_tokens_cached = hit.n_tokens;
            prefix_counters_.n_tokens_queried += seq.n_prompt_tokens;
            prefix_counters_.n_tokens_hit += hit.n_tokens;
        }
        blocks_.allocate_slots(seq, n_new, out.copies);
        seq.status = SequenceStatus::Running;
        running_.push_back(&seq);
        out.scheduled.push_back(
            ScheduledSequence{&seq, n_new, seq.n_tokens_computed + n_new == seq.n_tokens()});
        budget -= n_new;
    }
}

void Scheduler::build_batch(SchedulerOutput& out) const {
    const int32_t block_size = blocks_.pool().block_size();
    for (const ScheduledSequence& s : out.scheduled) {
        const Sequence& seq = *s.seq;
        const auto token_begin = static_cast<int32_t>(out.tokens.size());
        for (int32_t pos = seq.n_tokens_computed; pos < seq.n_tokens_computed + s.n_new_tokens; ++pos) {
            out.tokens.push_back(seq.tokens[static_cast<size_t>(pos)]);
            out.positions.push_back(pos);
            out.slot_mapping.push_back(seq.block_table[static_cast<size_t>(pos / block_size)] * block_size +
                                       pos % block_size);
        }
        out.batch.seqs.push_back(SequenceSlice{token_begin, s.n_new_tokens,
                                               seq.n_tokens_computed + s.n_new_tokens, seq.block_table,
                                               s.want_logits});
    }
    out.batch.tokens = out.tokens;
    out.batch.positions = out.positions;
    out.batch.slot_mapping = out.slot_mapping;
}

void Scheduler::commit(const SchedulerOutput& output) {
    for (const ScheduledSequence& s : output.scheduled) {
        if (s.seq->status != SequenceStatus::Running) continue;  // finished while the step ran
        s.seq->n_tokens_computed += s.n_new_tokens;
        blocks_.register_computed(*s.seq);
    }
}

}  // namespace vela
