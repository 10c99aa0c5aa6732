// Prefaulting large tables: when their pages are faulted in, and on which thread.
//
// The engine maps its order tables at start-up for every order it expects (hundreds of MB for a
// million orders) and, by default, faults every page in at once (Prefault::Now), so that no
// append on the trading path takes a page fault. The kernel clears each page as it faults it in:
// for a million orders that is ~50 ms of the constructing thread's time. Recovery, which would
// otherwise spend that time before replaying its first command, maps the tables only
// (Prefault::Later) and has BackgroundPrefault fault them in on a second thread while the
// replaying thread works; a page the replay reaches first simply faults on that thread.
//
// BackgroundPrefault uses madvise(MADV_POPULATE_WRITE) (Linux 5.14): it faults pages in as a
// write would, without storing to them, so it never races with the owner's writes — it changes
// no byte anyone can see. A range that is unmapped meanwhile (a table that released a chunk) is
// skipped. On a kernel without MADV_POPULATE_WRITE it does nothing and the pages fault in on
// first use, as any anonymous memory does (available() says which; recovery then faults its
// tables in itself, as before).
//
// Threading: the ranges are copied at construction; the owner may keep writing to them (and
// unmap them) while the helper runs. wait() (or the destructor) joins the helper.
#pragma once

#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstddef>
#include <span>
#include <thread>
#include <utility>
#include <vector>

namespace alphintra {

enum class Prefault : bool { Now, Later };

class BackgroundPrefault {
 public:
  using Ranges = std::vector<std::span<std::byte>>;

  explicit BackgroundPrefault(Ranges ranges) : ranges_(std::move(ranges)) {
    if (!ranges_.empty()) helper_ = std::thread([this] { run(); });
  }
  ~BackgroundPrefault() { wait(); }
  BackgroundPrefault(const BackgroundPrefault&) = delete;
  BackgroundPrefault& operator=(const BackgroundPrefault&) = delete;

  // Whether this kernel can fault pages in ahead this way (probed once, on one page).
  static bool available() noexcept {
    static const bool yes = [] {
      void* page = ::mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (page == MAP_FAILED) return false;
      const bool ok = ::madvise(page, 4096, kPopulateWrite) == 0;
      ::munmap(page, 4096);
      return ok;
    }();
    return yes;
  }

  // Blocks until every range has been faulted in (or skipped).
  void wait() {
    if (helper_.joinable()) helper_.join();
  }
  // Bytes the helper has faulted in so far (whole steps).
  std::size_t populatedBytes() const noexcept { return populated_.load(std::memory_order_relaxed); }
  // False when the kernel refused MADV_POPULATE_WRITE (too old): nothing was faulted in ahead.
  bool supported() const noexcept { return supported_.load(std::memory_order_relaxed); }

 private:
  // One call per 2 MiB: the replaying thread, faulting a page of its own, waits on the same
  // page-table lock for one step at most.
  static constexpr std::size_t kStep = std::size_t{2} << 20;

#ifdef MADV_POPULATE_WRITE
  static constexpr int kPopulateWrite = MADV_POPULATE_WRITE;
#else
  static constexpr int kPopulateWrite = 23;  // Linux 5.14's value, for older headers
#endif

  void run() noexcept {
    for (const std::span<std::byte> range : ranges_) {
      for (std::size_t offset = 0; offset < range.size(); offset += kStep) {
        const std::size_t bytes = std::min(kStep, range.size() - offset);
        if (::madvise(range.data() + offset, bytes, kPopulateWrite) == 0) {
          populated_.fetch_add(bytes, std::memory_order_relaxed);
        } else if (errno == EINVAL) {
          supported_.store(false, std::memory_order_relaxed);  // not this kernel: first use faults
          return;
        } else {
          break;  // ENOMEM: the range was unmapped meanwhile; EFAULT/EHWPOISON: leave it to first use
        }
      }
    }
  }

  Ranges ranges_;
  std::atomic<std::size_t> populated_{0};
  std::atomic<bool> supported_{true};
  std::thread helper_;
};

}  // namespace alphintra
