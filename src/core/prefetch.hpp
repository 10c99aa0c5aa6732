// Cache hints for a whole object: every 64-byte line it spans, whatever its alignment.
//
// The engine's tables are far larger than the caches and reached at random or appended to, so
// a caller that knows which record it will touch a few steps later requests its lines now
// (reads) or asks for them to be owned (writes, so that the later stores do not wait). A hint
// changes nothing and never faults; the address must lie inside an object that exists.
#pragma once

#include <cstddef>

namespace alphintra {

template <typename T>
inline void prefetchObject(const T* object) noexcept {
  const char* bytes = reinterpret_cast<const char*>(object);
  for (std::size_t offset = 0; offset < sizeof(T); offset += 64) __builtin_prefetch(bytes + offset);
  __builtin_prefetch(bytes + sizeof(T) - 1);  // the last line, when the object starts mid-line
}

template <typename T>
inline void prefetchObjectForWrite(const T* object) noexcept {
  const char* bytes = reinterpret_cast<const char*>(object);
  for (std::size_t offset = 0; offset < sizeof(T); offset += 64) __builtin_prefetch(bytes + offset, 1);
  __builtin_prefetch(bytes + sizeof(T) - 1, 1);
}

}  // namespace alphintra
