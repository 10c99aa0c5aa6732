// adviseHugePages: asks the kernel to back a large, long-lived table with 2 MiB pages.
//
// The engine's order table and indexes are reached at random (an order id, a client id hash):
// with 4 KiB pages almost every such access also misses the TLB, and on a virtual machine a
// page walk is expensive. Transparent huge pages in "madvise" mode (the common default) give
// 2 MiB pages only to ranges that ask. Only the 2 MiB-aligned interior of the range is
// advised; it is a hint — on a kernel without THP nothing changes and nothing fails.
// Call it after reserving and before first touching the memory.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>

namespace alphintra {

inline void adviseHugePages(const void* data, std::size_t bytes) noexcept {
#ifdef MADV_HUGEPAGE
  constexpr std::uintptr_t kHuge = 2u << 20;
  const auto begin = reinterpret_cast<std::uintptr_t>(data);
  const std::uintptr_t first = (begin + kHuge - 1) & ~(kHuge - 1);
  const std::uintptr_t last = (begin + bytes) & ~(kHuge - 1);
  if (last > first) (void)::madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
#else
  (void)data;
  (void)bytes;
#endif
}

}  // namespace alphintra
