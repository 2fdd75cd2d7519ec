#include "sched/scheduler.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace vela {
namespace {

class SchedulerTest : public ::testing::Test {
  protected:
    Sequence& add(int32_t n_tokens, int32_t first_token = 0, int32_t n_choices = 1) {
        auto seq = std::make_unique<Sequence>();
        seq->id = seqs_.size();
        for (int32_t i = 0; i < n_tokens; ++i)
            seq->tokens.push_back(first_token + i);
        seq->n_prompt_tokens = n_tokens;
        seq->n_choices_after_prefill = n_choices;
        seqs_.push_back(std::move(seq));
        return *seqs_.back();
    }

    // Commits a step and appends a token to every sequence that produced logits.
    void finish_step(Scheduler& scheduler, const SchedulerOutput& out) {
        scheduler.commit(out);
        for (const ScheduledSequence& s : out.scheduled) {
            if (s.want_logits) s.seq->tokens.push_back(1000);
        }
    }

    std::vector<std::unique_ptr<Sequence>> seqs_;
};

TEST_F(SchedulerTest, RunningDecodesComeFirstThenWaitingPrefillsFillTheBudget) {
    BlockPool pool(64, 4);
    Scheduler scheduler(SchedulerConfig{4, 10, 0}, pool);
    Sequence& a = add(6);
    scheduler.add(a);
    SchedulerOutput out = scheduler.schedule();
    ASSERT_EQ(out.scheduled.size(), 1u);
    EXPECT_EQ(out.scheduled[0].n_new_tokens, 6);
    EXPECT_TRUE(out.scheduled[0].want_logits);
    finish_step(scheduler, out);

    Sequence& b = add(20, 100);
    scheduler.add(b);
    out = scheduler.schedule();
    ASSERT_EQ(out.scheduled.size(), 2u);
    EXPECT_EQ(out.scheduled[0].seq, &a);  // decode: one token
    EXPECT_EQ(out.scheduled[0].n_new_tokens, 1);
    EXPECT_EQ(out.scheduled[1].seq, &b);  // chunked prefill with the 9 tokens left
    EXPECT_EQ(out.scheduled[1].n_new_tokens, 9);
    EXPECT_FALSE(out.scheduled[1].want_logits);
    // The batch: a's token at position 6, then b's positions 0..8, with slots from the block tables.
    ASSERT_EQ(out.batch.tokens.size(), 10u);
    EXPECT_EQ(out.batch.positions[0], 6);
    EXPECT_EQ(out.batch.slot_mapping[0], a.block_table[1] * 4 + 2);
    EXPECT_EQ(out.batch.positions[1], 0);
    EXPECT_EQ(out.batch.slot_mapping[9], b.block_table[2] * 4 + 0);
    ASSERT_EQ(out.batch.seqs.size(), 2u);
    EXPECT_EQ(out.batch.seqs[1].token_begin, 1);
    EXPECT_EQ(out.batch.seqs[1].n_context, 9);
    finish_step(scheduler, out);

    out = scheduler.schedule();  // b continues its prefill as a running sequence
    ASSERT_EQ(out.scheduled.size(), 2u);
    EXPECT_EQ(out.scheduled[1].seq, &b);
    EXPECT_EQ(out.scheduled[1].n_new_tokens, 9);
    finish_step(scheduler, out);
    out = scheduler.schedule();
    EXPECT_EQ(out.scheduled[1].n_new_tokens, 2);
    EXPECT_TRUE(out.scheduled[1].want_logits);
}

TEST_F(SchedulerTest, PrefillChunkSizeCapsEachSequence) {
    BlockPool pool(64, 4);
    Scheduler scheduler(SchedulerConfig{4, 100, 8}, pool);
    Sequence& a = add(20);
    Sequence& b = add(3, 50);
    scheduler.add(a);
    scheduler.add(b);
    const SchedulerOutput out = scheduler.schedule();
    ASSERT_EQ(out.scheduled.size(), 2u);
    EXPECT_EQ(out.scheduled[0].n_new_tokens, 8);
    EXPECT_EQ(out.scheduled[1].n_new_tokens, 3);
}

TEST_F(SchedulerTest, MaxNumSeqsBoundsRunningSequencesAndReservesForks) {
    BlockPool pool(64, 4);
    Scheduler scheduler(SchedulerConfig{3, 100, 0}, pool);
    Sequence& a = add(4, 0, 2);  // becomes two choices
    Sequence& b = add(4, 10, 2);
    Sequence& c = add(4, 20);
    scheduler.add(a);
    scheduler.add(b);
    scheduler.add(c);
    const SchedulerOutput out = scheduler.schedule();
    ASSERT_EQ(out.scheduled.size(), 1u);  // b would need 2 more slots; FCFS keeps c behind it
    EXPECT_EQ(scheduler.waiting().size(), 2u);
}

TEST_F(SchedulerTest, PreemptsTheNewestAndRecomputesItLater) {
    BlockPool pool(4, 4);  // 16 slots
    Scheduler scheduler(SchedulerConfig{4, 64, 0}, pool);
    Sequence& a = add(8);
    Sequence& b = add(8, 100);
    scheduler.add(a);
    scheduler.add(b);
    SchedulerOutput out = scheduler.schedule();
    ASSERT_EQ(out.scheduled.size(), 2u);
    finish_step(scheduler, out);  // 8 computed of 9 tokens each, 2 blocks each: the pool is full
    EXPECT_EQ(pool.n_free(), 0);

    out = scheduler.schedule();  // both need a third block: b (newest) is preempted
    ASSERT_EQ(out.preempted.size(), 1u);
    EXPECT_EQ(out.preempted[0], &b);
    ASSERT_EQ(out.scheduled.size(), 1u);
    EXPECT_EQ(out.scheduled[0].seq, &a);
    EXPECT_EQ(b.status, SequenceStatus::Waiting);
    EXPECT_EQ(b.n_tokens_computed, 0);
    EXPECT_TRUE(b.block_table.empty());
    EXPECT_EQ(scheduler.waiting().front(), &b);
    finish_step(scheduler, out);

    scheduler.finish(a);
    out = scheduler.schedule();  // b comes back; its first block is still in the prefix cache
    ASSERT_EQ(out.scheduled.size(), 1u);
    EXPECT_EQ(out.scheduled[0].seq, &b);
    EXPECT_EQ(b.n_tokens_computed, 4);
    EXPECT_EQ(out.scheduled[0].n_new_tokens, 5);
    EXPECT_TRUE(out.scheduled[0].want_logits);
    EXPECT_EQ(b.n_preemptions, 1);
    EXPECT_EQ(b.n_tokens_cached, 0);  // counted at its first admission only
}

TEST_F(SchedulerTest, ASequenceThatCannotGrowPreemptsItself) {
    BlockPool pool(2, 4);
    Scheduler scheduler(SchedulerConfig{4, 64, 0}, pool);
    Sequence& a = add(8);
    scheduler.add(a);
    SchedulerOutput out = scheduler.schedule();
    finish_step(scheduler, out);
    out = scheduler.schedule();
    EXPECT_TRUE(out.scheduled.empty());
    ASSERT_EQ(out.preempted.size(), 1u);
    EXPECT_EQ(pool.n_free(), 2);
}

TEST_F(SchedulerTest, WaitingSequencesAreAdmittedInOrderWithPrefixHits) {
    BlockPool pool(16, 4);
    Scheduler scheduler(SchedulerConfig{4, 64, 0}, pool);
    Sequence& a = add(9);
    scheduler.add(a);
    SchedulerOutput out = scheduler.schedule();
    finish_step(scheduler, out);
    Sequence& b = add(12);  // same first 9 tokens as a
    scheduler.add(b);
    out = scheduler.schedule();
    ASSERT_EQ(out.scheduled.size(), 2u);
    EXPECT_EQ(b.n_tokens_cached, 8);
    EXPECT_EQ(out.scheduled[1].n_new_tokens, 4);
    EXPECT_EQ(b.block_table[0], a.block_table[0]);
    EXPECT_EQ(b.block_table[1], a.block_table[1]);
    EXPECT_EQ(scheduler.prefix_counters().n_tokens_queried, 21);
    EXPECT_EQ(scheduler.prefix_counters().n_tokens_hit, 8);
}

TEST_F(SchedulerTest, ForksRunRightAfterTheirParent) {
    BlockPool pool(16, 4);
    Scheduler scheduler(SchedulerConfig{4, 64, 0}, pool);
    Sequence& a = add(6, 0, 3);
    scheduler.add(a);
    SchedulerOutput out = scheduler.schedule();
    scheduler.commit(out);
    Sequence& c1 = add(6);
    Sequence& c2 = add(6);
    a.n_choices_after_prefill = 1;
    scheduler.add_forks(a, {&c1, &c2});
    for (Sequence* s : {&a, &c1, &c2})
        s->tokens.push_back(s == &a ? 7 : 8);
    ASSERT_EQ(scheduler.running().size(), 3u);
    EXPECT_EQ(scheduler.running()[1], &c1);
    EXPECT_EQ(pool.ref_count(a.block_table[1]), 3);
    out = scheduler.schedule();
    ASSERT_EQ(out.scheduled.size(), 3u);
    EXPECT_EQ(out.copies.size(), 2u);  // two of the three copy the shared half-full block
    EXPECT_NE(a.block_table[1], c1.block_table[1]);
    EXPECT_NE(c1.block_table[1], c2.block_table[1]);
    EXPECT_EQ(a.block_table[0], c2.block_table[0]);
}

}  // namespace
}  // namespace vela
