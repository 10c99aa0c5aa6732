// nameThisThread: gives the calling thread a name that `top -H`, `ps -L`, `perf` and debuggers
// show (Linux keeps 15 characters; longer names are cut there). Operators see which of serve's
// threads — sequencer, engine, publisher, gateways — uses the CPU.
#pragma once

#include <pthread.h>

#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

namespace alphintra {

inline void nameThisThread(std::string_view name) noexcept {
  char buffer[16] = {};
  std::memcpy(buffer, name.data(), name.size() < 15 ? name.size() : 15);
  (void)::pthread_setname_np(::pthread_self(), buffer);
}

// A thread that names itself `name`, then runs `body`.
template <typename Body>
std::thread namedThread(std::string name, Body&& body) {
  return std::thread([name = std::move(name), body = std::forward<Body>(body)]() mutable {
    nameThisThread(name);
    body();
  });
}

}  // namespace alphintra
