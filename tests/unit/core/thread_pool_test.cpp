// ThreadPool: coverage of every index exactly once, thread ids in range, nested and concurrent use
// falling back to serial, many back-to-back calls (the decode pattern), and destruction while idle.
#include "util/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace vela {
namespace {

TEST(ThreadPool, ParallelForVisitsEveryIndexOnce) {
    for (int n_threads : {1, 2, 3, 8}) {
        ThreadPool pool(n_threads);
        EXPECT_EQ(pool.size(), n_threads);
        for (int64_t n : {0, 1, 2, 7, 64, 1000, 4097}) {
            for (int64_t grain : {1, 16, 5000}) {
                std::vector<std::atomic<int>> visits(static_cast<size_t>(n));
                pool.parallel_for(n, grain, [&](int64_t begin, int64_t end) {
                    ASSERT_LT(begin, end);
                    for (int64_t i = begin; i < end; ++i)
                        visits[static_cast<size_t>(i)].fetch_add(1);
                });
                for (int64_t i = 0; i < n; ++i)
                    ASSERT_EQ(visits[static_cast<size_t>(i)].load(), 1) << "index " << i;
            }
        }
    }
}

TEST(ThreadPool, RunGivesEachTaskOnceWithValidThreadIds) {
    ThreadPool pool(4);
    std::vector<std::atomic<int>> visits(100);
    std::vector<std::atomic<int>> busy(4);
    std::atomic<bool> overlap{false};
    pool.run(100, [&](int64_t task, int thread) {
        ASSERT_GE(thread, 0);
        ASSERT_LT(thread, 4);
        if (busy[static_cast<size_t>(thread)].fetch_add(1) != 0)
            overlap = true;  // thread id shared concurrently
        visits[static_cast<size_t>(task)].fetch_add(1);
        busy[static_cast<size_t>(thread)].fetch_sub(1);
    });
    for (auto& v : visits)
        EXPECT_EQ(v.load(), 1);
    EXPECT_FALSE(overlap.load());
}

TEST(ThreadPool, NestedCallsRunSeriallyWithoutDeadlock) {
    ThreadPool pool(3);
    std::atomic<int> total{0};
    pool.run(6, [&](int64_t, int) {
        pool.parallel_for(
            10, 1, [&](int64_t begin, int64_t end) { total.fetch_add(static_cast<int>(end - begin)); });
    });
    EXPECT_EQ(total.load(), 60);
}

TEST(ThreadPool, ConcurrentCallersBothComplete) {
    ThreadPool pool(2);
    std::atomic<int> a{0};
    std::atomic<int> b{0};
    std::thread other([&] {
        for (int i = 0; i < 50; ++i)
            pool.parallel_for(50, 1, [&](int64_t s, int64_t e) { a.fetch_add(static_cast<int>(e - s)); });
    });
    for (int i = 0; i < 50; ++i)
        pool.parallel_for(50, 1, [&](int64_t s, int64_t e) { b.fetch_add(static_cast<int>(e - s)); });
    other.join();
    EXPECT_EQ(a.load(), 50 * 50);
    EXPECT_EQ(b.load(), 50 * 50);
}

TEST(ThreadPool, ManyBackToBackCallsAndCallsAfterSleeping) {
    ThreadPool pool(2);
    int64_t sum = 0;
    std::vector<int64_t> partial(2);
    for (int call = 0; call < 2000; ++call) {
        pool.run(2, [&](int64_t task, int) { partial[static_cast<size_t>(task)] = task + 1; });
        sum += partial[0] + partial[1];
    }
    EXPECT_EQ(sum, 2000 * 3);
    // Let the workers fall asleep, then wake them.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::atomic<int> count{0};
    pool.run(8, [&](int64_t, int) { count.fetch_add(1); });
    EXPECT_EQ(count.load(), 8);
}

TEST(ThreadPool, DestroyWhileIdle) {
    for (int i = 0; i < 20; ++i) {
        ThreadPool pool(3);
        if (i % 2 == 0) pool.run(5, [](int64_t, int) {});
        if (i % 4 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ThreadPool never_used(4);
    SUCCEED();
}

TEST(ThreadPool, NonPositiveSizeMeansOne) {
    ThreadPool pool(0);
    EXPECT_EQ(pool.size(), 1);
    int count = 0;
    pool.parallel_for(5, 1, [&](int64_t begin, int64_t end) { count += static_cast<int>(end - begin); });
    EXPECT_EQ(count, 5);
}

}  // namespace
}  // namespace vela
