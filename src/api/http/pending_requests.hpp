// PendingRequests: HTTP requests waiting for the engine's answer, by request id.
//
// A REST order request registers a callback under a fresh request id, then submits its command;
// the publisher thread hands every event that answers gateway 0 to take(): the first event for
// an id removes the entry and gets its callback (later events of the same command — the fill
// after the acknowledgement — find nothing). expire() removes entries past their deadline, so
// a request the engine never answers (stopped or failed runtime) still gets an answer (504).
// Whoever removes an entry — take, expire or drain — is the only one that calls it: a callback
// runs exactly once.
//
// Threading: any thread; one mutex, held only to insert or remove (callbacks run outside it).
// Limits: the map holds at most the requests in flight (each HTTP connection has at most one).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

namespace alphintra::api::http {

template <typename Callback>
class PendingRequests {
 public:
  using Clock = std::chrono::steady_clock;

  // A request id not used before by this process (ids start at 1).
  std::uint64_t nextId() noexcept {
    std::lock_guard lock(mutex_);
    return ++lastId_;
  }

  void add(std::uint64_t requestId, Clock::time_point deadline, Callback callback) {
    std::lock_guard lock(mutex_);
    entries_.insert_or_assign(requestId, Entry{deadline, std::move(callback)});
  }

  // Removes and returns the entry's callback; nullopt when there is none (answered or expired).
  std::optional<Callback> take(std::uint64_t requestId) {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(requestId);
    if (it == entries_.end()) return std::nullopt;
    Callback callback = std::move(it->second.callback);
    entries_.erase(it);
    return callback;
  }

  // Removes the entries whose deadline is before `now` (all of them when `now` is max) and
  // returns their callbacks.
  std::vector<Callback> expire(Clock::time_point now) {
    std::vector<Callback> out;
    std::lock_guard lock(mutex_);
    for (auto it = entries_.begin(); it != entries_.end();) {
      if (it->second.deadline <= now) {
        out.push_back(std::move(it->second.callback));
        it = entries_.erase(it);
      } else {
        ++it;
      }
    }
    return out;
  }

  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
  }

 private:
  struct Entry {
    Clock::time_point deadline;
    Callback callback;
  };
  mutable std::mutex mutex_;
  std::uint64_t lastId_ = 0;
  std::unordered_map<std::uint64_t, Entry> entries_;
};

}  // namespace alphintra::api::http
