#include "util/thread_pool.h"

#include <chrono>

#include "vela/core/assert.h"

namespace vela {
namespace {

// The pool the current thread is running a task of, to detect nested calls.
thread_local const ThreadPool* t_current_pool = nullptr;

// How long an idle worker keeps polling for the next job before it sleeps. A decode step's kernels
// follow one another within microseconds, so this only has to bridge the serial work between them.
constexpr auto kSpinTime = std::chrono::microseconds(200);

// Polls a caller makes for its workers to leave a job before it starts yielding its CPU to them.
constexpr int kCallerSpins = 2000;

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

// Restores t_current_pool when a task scope ends.
class CurrentPoolScope {
  public:
    explicit CurrentPoolScope(const ThreadPool* pool) : saved_(t_current_pool) { t_current_pool = pool; }
    ~CurrentPoolScope() { t_current_pool = saved_; }
    CurrentPoolScope(const CurrentPoolScope&) = delete;
    CurrentPoolScope& operator=(const CurrentPoolScope&) = delete;

  private:
    const ThreadPool* saved_;
};

}  // namespace

ThreadPool::ThreadPool(int n_threads) : n_threads_(n_threads < 1 ? 1 : n_threads) {
    workers_.reserve(static_cast<size_t>(n_threads_ - 1));
    for (int i = 1; i < n_threads_; ++i)
        workers_.emplace_back([this, i] { worker_main(i); });
}

ThreadPool::~ThreadPool() {
    stop_.store(true);
    wake_.fetch_add(1);
    wake_.notify_all();
    for (auto& worker : workers_)
        worker.join();
}

int64_t ThreadPool::chunk_count(int64_t n, int64_t grain) const {
    if (grain < 1) grain = 1;
    const int64_t max_chunks = (n + grain - 1) / grain;
    // A few chunks per thread let the others cover for a thread that was descheduled (the CPU is shared).
    const int64_t wanted = n_threads_ == 1 ? 1 : int64_t{n_threads_} * 4;
    return max_chunks < wanted ? max_chunks : wanted;
}

void ThreadPool::run_serial(int64_t n_tasks, void* ctx, TaskFn fn) {
    CurrentPoolScope scope(this);
    for (int64_t task = 0; task < n_tasks; ++task)
        fn(ctx, task, 0);
}

void ThreadPool::run_erased(int64_t n_tasks, void* ctx, TaskFn fn) {
    if (n_tasks <= 0) return;
    VELA_ASSERT(n_tasks < (int64_t{1} << 31), "ThreadPool: too many tasks in one call");
    // Serial when there is nothing to share, when nested inside one of our tasks (thread index 0 is
    // then reused, which is safe because the outer task's thread is the one running), or when another
    // thread is using the pool right now.
    if (n_threads_ == 1 || n_tasks == 1 || t_current_pool == this) {
        run_serial(n_tasks, ctx, fn);
        return;
    }
    std::unique_lock lock(call_mutex_, std::try_to_lock);
    if (!lock.owns_lock()) {
        run_serial(n_tasks, ctx, fn);
        return;
    }
    const uint32_t generation = ++generation_;
    jobs_[generation & 1] = Job{fn, ctx, n_tasks};
    claim_.store(static_cast<uint64_t>(generation) << 32);
    wake_.store(generation);
    wake_.notify_all();
    drain(generation, 0);
    // Every task is claimed; wait for the workers still inside the job, so `ctx` may die when we return.
    for (int spins = 0; n_active_.load() != 0; ++spins) {
        if (spins < kCallerSpins) {
            cpu_relax();
        } else {
            std::this_thread::yield();
        }
    }
}

void ThreadPool::drain(uint32_t generation, int thread) {
    CurrentPoolScope scope(this);
    const Job job = jobs_[generation & 1];
    uint64_t word = claim_.load();
    for (;;) {
        if (static_cast<uint32_t>(word >> 32) != generation) return;
        const auto task = static_cast<int64_t>(static_cast<uint32_t>(word));
        if (task >= job.n_tasks) return;
        if (claim_.compare_exchange_weak(word, word + 1)) {
            job.fn(job.ctx, task, thread);
            word = claim_.load();
        }
    }
}

void ThreadPool::worker_main(int thread) {
    uint32_t seen = 0;
    for (;;) {
        // Spin for a short while, then sleep until a new job is announced.
        uint32_t now = wake_.load();
        if (now == seen) {
            const auto deadline = std::chrono::steady_clock::now() + kSpinTime;
            int polls = 0;
            while ((now = wake_.load()) == seen) {
                cpu_relax();
                if (++polls % 64 == 0 && std::chrono::steady_clock::now() > deadline) wake_.wait(seen);
            }
        }
        seen = now;
        if (stop_.load()) return;
        // Join, then read the current generation: while we are counted in n_active_, the caller cannot
        // finish that job and rewrite its slot, so reading jobs_[generation & 1] is safe.
        n_active_.fetch_add(1);
        const auto generation = static_cast<uint32_t>(claim_.load() >> 32);
        drain(generation, thread);
        n_active_.fetch_sub(1);
    }
}

}  // namespace vela
