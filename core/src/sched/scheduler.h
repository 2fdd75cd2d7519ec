// Scheduler: decides which tokens of which sequences one engine step computes (vLLM v1's rule).
//
// There are no prefill and decode phases. Each step hands out a token budget (max_num_batched_tokens)
// over at most max_num_seqs sequences: first the running sequences, oldest first (a decode takes one
// token, an unfinished prefill takes the rest of its prompt up to the budget and the chunk size), then
// waiting sequences in FCFS order, each starting after its longest cached prefix. When a running
// sequence needs a block and none is free, the newest running sequence is preempted: its blocks are
// freed and it goes back to the front of the waiting queue, to be recomputed later (the prefix cache
// usually gives most of it back). A step that preempted admits no one. The result is a ForwardBatch
// with positions, slot mapping and block tables, plus the copy-on-write block copies to do first.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "cache/block_pool.h"
#include "model/forward_batch.h"
#include "sched/block_manager.h"
#include "sched/sequence.h"

namespace vela {

/// The limits of one step.
struct SchedulerConfig {
    int32_t max_num_seqs = 16;             // sequences per step (and running at once)
    int32_t max_num_batched_tokens = 512;  // tokens per step, all sequences together
    int32_t prefill_chunk_size = 0;        // most prompt tokens of one sequence per step; 0 = no cap
};

/// One sequence's share of a step.
struct ScheduledSequence {
    Sequence* seq = nullptr;
    int32_t n_new_tokens = 0;  // tokens computed this step, from seq->n_tokens_computed
    bool want_logits = false;  // the step reaches the sequence's last token, so it samples one more
};

/// What one step computes.
struct SchedulerOutput {
    std::vector<ScheduledSequence> scheduled;  // in batch order
    std::vector<Sequence*> preempted;          // sequences preempted while scheduling this step
    std::vector<BlockCopy> copies;             // copy-on-write copies, to perform before the forward
    std::vector<TokenId> tokens;               // storage behind `batch`
    std::vector<int32_t> positions;            // storage behind `batch`
    std::vector<int32_t> slot_mapping;         // storage behind `batch`
    ForwardBatch batch;                        // the model's input; views into the vectors above

    /// True when the step computes nothing.
    bool empty() const { return scheduled.empty(); }
    /// Sequences that produce logits this step, in logits-row order.
    int32_t n_logit_rows() const;
};

/// Prefix-cache effectiveness: prompt tokens looked up at first admission and tokens found.
struct PrefixCacheCounters {
    int64_t n_tokens_queried = 0;  // prompt tokens of sequences at their first admission
    int64_t n_tokens_hit = 0;      // of those, tokens whose K/V came from the cache
};

/// The waiting and running queues and the rule that turns them into steps.
class Scheduler {
  public:
    /// A scheduler over `pool`, which must outlive it.
    Scheduler(const SchedulerConfig& config, BlockPool& pool);

    /// Queues a new sequence at the back of the waiting queue.
    void add(Sequence& seq);
    /// Adds forked `children` of running `parent` right after it; they share its blocks.
    void add_forks(const Sequence& parent, const std::vector<Sequence*>& children);
    /// Takes `seq` out of the queues and frees its blocks (finished or cancelled).
    void finish(Sequence& seq);
    /// Plans the next step.
    SchedulerOutput schedule();
    /// Records that `output` was computed: advances n_tokens_computed and caches the full blocks.
    void commit(const SchedulerOutput& output);

    /// Sequences waiting for admission, next first.
    const std::deque<Sequence*>& waiting() const { return waiting_; }
    /// Admitted sequences, oldest first.
    const std::vector<Sequence*>& running() const { return running_; }
    /// True when nothing is waiting or running.
    bool idle() const { return waiting_.empty() && running_.empty(); }
    /// The block manager (for inspection and tests).
    const BlockManager& blocks() const { return blocks_; }
    /// Prefix-cache counters since start.
    const PrefixCacheCounters& prefix_counters() const { return prefix_counters_; }

  private:
    int32_t n_new_tokens(const Sequence& seq, int32_t budget) const;
    int32_t n_seq_slots() const;
    bool make_room(Sequence& seq, int32_t n_new, SchedulerOutput& out);
    void preempt(Sequence& seq, SchedulerOutput& out);
    void admit_waiting(int32_t& budget, SchedulerOutput& out);
    void build_batch(SchedulerOutput& out) const;

    SchedulerConfig config_;
    BlockManager blocks_;
    std::deque<Sequence*> waiting_;
    std::vector<Sequence*> running_;
    PrefixCacheCounters prefix_counters_;
};

}  // namespace vela
