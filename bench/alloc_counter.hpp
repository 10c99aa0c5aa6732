// Heap-allocation counter for benchmarks. The program that links the benchmark defines it by
// replacing the global operator new (src/app/alloc_hook.cpp); a replay reads it before and
// after its timed loop to prove that steady-state matching allocates nothing.
#pragma once

#include <cstdint>

namespace alphintra::bench {

std::uint64_t allocationCount() noexcept;

}  // namespace alphintra::bench
