// ThreadPool: the engine-owned pool that runs the CPU kernels' parallel loops.
//
// A decode step calls the pool a few hundred times per token, each call lasting tens to hundreds of
// microseconds, so a call must cost next to nothing: no allocation (the job is a non-owning reference
// to the caller's callable), no lock on the fast path, and workers that spin for a short while after a
// job before they sleep on a futex (std::atomic::wait), so back-to-back calls find them awake. The
// calling thread is one of the pool's threads and always takes part. Tasks are claimed one at a time
// from a word holding (generation, next task), so uneven tasks balance themselves, and a call never
// waits for a worker that has not claimed a task: on a shared, oversubscribed CPU a descheduled
// worker just misses the job instead of stalling it. A call waits only for workers inside the job
// (counted in n_active_). Jobs alternate between two slots so a late worker reading the previous
// job's slot never sees it half rewritten. A call made from inside a task (nested use), or while
// another thread is using the pool, runs serially on the calling thread, so no use can deadlock.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace vela {

/// A fixed set of worker threads running parallel loops; size() == 1 runs everything inline.
class ThreadPool {
  public:
    /// Starts n_threads - 1 workers (the calling thread is the n-th); n_threads < 1 counts as 1.
    explicit ThreadPool(int n_threads);
    /// Stops and joins the workers; must not be called while a parallel call is running.
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    /// The number of threads that run tasks, the caller included.
    int size() const { return n_threads_; }

    /// Calls fn(task, thread) for every task in [0, n_tasks), spread over the threads; `thread` is in
    /// [0, size()) and unique among this call's concurrently running tasks. Returns when
    /// every task has finished.
    template <class Fn>
    void run(int64_t n_tasks, Fn&& fn) {
        using F = std::remove_reference_t<Fn>;
        run_erased(n_tasks, const_cast<void*>(static_cast<const void*>(&fn)),
                   [](void* ctx, int64_t task, int thread) { (*static_cast<F*>(ctx))(task, thread); });
    }

    /// Calls fn(begin, end) over contiguous chunks that cover [0, n) exactly once; chunks hold at least
    /// `grain` indices (but the last) and there are at most a few per thread.
    template <class Fn>
    void parallel_for(int64_t n, int64_t grain, Fn&& fn) {
        if (n <= 0) return;
        const int64_t n_chunks = chunk_count(n, grain);
        const int64_t chunk = (n + n_chunks - 1) / n_chunks;
        run(n_chunks, [&](int64_t task, int) {
            const int64_t begin = task * chunk;
            const int64_t end = begin + chunk < n ? begin + chunk : n;
            if (begin < end) fn(begin, end);
        });
    }

  private:
    using TaskFn = void (*)(void* ctx, int64_t task, int thread);

    // One parallel call's work.
    struct Job {
        TaskFn fn = nullptr;
        void* ctx = nullptr;
        int64_t n_tasks = 0;
    };

    void run_erased(int64_t n_tasks, void* ctx, TaskFn fn);
    void run_serial(int64_t n_tasks, void* ctx, TaskFn fn);
    void worker_main(int thread);
    // Runs tasks of job `generation` until none is left to claim.
    void drain(uint32_t generation, int thread);
    int64_t chunk_count(int64_t n, int64_t grain) const;

    int n_threads_ = 1;
    std::vector<std::thread> workers_;
    std::mutex call_mutex_;           // one parallel call at a time (try_lock only)
    uint32_t generation_ = 0;         // the latest job's number; written under call_mutex_
    Job jobs_[2];                     // job g lives in jobs_[g & 1]
    std::atomic<uint64_t> claim_{0};  // (generation << 32) | next unclaimed task
    std::atomic<int> n_active_{0};    // workers inside a job (between joining and leaving it)
    std::atomic<uint32_t> wake_{0};   // the latest generation, for idle workers to wait on
    std::atomic<bool> stop_{false};
};

}  // namespace vela
