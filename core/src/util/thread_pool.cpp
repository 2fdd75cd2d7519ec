#include "util/thread_pool.h"

#include <chrono>

namespace vela {
namespace {

// The pool the current thread is running a task of, to detect nested calls.
thread_local const ThreadPool* t_current_pool = nullptr;

// How long an idle worker keeps polling for the next job before it sleeps. A decode step's kernels
// follow one another within microseconds, so this only has to bridge the serial work between them.
constexpr auto kSpinTime = std::chrono::microseconds(200);

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
    stop_.store(true, std::memory_order_release);
    generation_.fetch_add(2, std::memory_order_acq_rel);
    generation_.notify_all();
    for (auto& worker : workers_)
        worker.join();
}

int64_t ThreadPool::chunk_count(int64_t n, int64_t grain) const {
    if (grain < 1) grain = 1;
    const int64_t max_chunks = (n + grain - 1) / grain;
    // A few chunks per thread let a thread that was descheduled (the CPU is shared) be covered by others.
    const int64_t wanted = n_threads_ == 1 ? 1 : int64_t{n_threads_} * 4;
    return max_chunks < wanted ? max_chunks : wanted;
}

void ThreadPool::run_serial(int64_t n_tasks, void* ctx, TaskFn fn) {
    for (int64_t task = 0; task < n_tasks; ++task)
        fn(ctx, task, 0);
}

void ThreadPool::run_erased(int64_t n_tasks, void* ctx, TaskFn fn) {
    if (n_tasks <= 0) return;
    // Serial when there is nothing to share, when nested inside one of our tasks (the thread index 0 is
    // then reused, which is safe because the outer task's thread is the one running), or when another
    // thread is using the pool right now.
    if (n_threads_ == 1 || n_tasks == 1 || t_current_pool == this) {
        CurrentPoolScope scope(this);
        run_serial(n_tasks, ctx, fn);
        return;
    }
    std::unique_lock lock(call_mutex_, std::try_to_lock);
    if (!lock.owns_lock()) {
        run_serial(n_tasks, ctx, fn);
        return;
    }
    job_ = Job{fn, ctx, n_tasks};
    next_task_.store(0, std::memory_order_relaxed);
    n_busy_.store(n_threads_ - 1, std::memory_order_relaxed);
    generation_.fetch_add(2, std::memory_order_release);
    generation_.notify_all();
    drain(0);
    // Wait until every worker has left the job, so `ctx` may die when we return.
    while (n_busy_.load(std::memory_order_acquire) != 0)
        cpu_relax();
}

void ThreadPool::drain(int thread) {
    CurrentPoolScope scope(this);
    const Job job = job_;
    for (;;) {
        const int64_t task = next_task_.fetch_add(1, std::memory_order_relaxed);
        if (task >= job.n_tasks) break;
        job.fn(job.ctx, task, thread);
    }
}

void ThreadPool::worker_main(int thread) {
    uint64_t seen = 0;
    for (;;) {
        // Spin for a short while, then sleep until the generation changes.
        uint64_t now = generation_.load(std::memory_order_acquire);
        if (now == seen) {
            const auto deadline = std::chrono::steady_clock::now() + kSpinTime;
            int polls = 0;
            while ((now = generation_.load(std::memory_order_acquire)) == seen) {
                cpu_relax();
                if (++polls % 64 == 0 && std::chrono::steady_clock::now() > deadline) {
                    generation_.wait(seen, std::memory_order_acquire);
                }
            }
        }
        seen = now;
        if (stop_.load(std::memory_order_acquire)) return;
        drain(thread);
        n_busy_.fetch_sub(1, std::memory_order_acq_rel);
    }
}

}  // namespace vela
