// ChunkedVector<T>: an indexed sequence that grows at the back without ever moving its
// elements — storage comes in chunks of at least 2 MiB (a power of two of elements), each mapped
// on its own at a 2 MiB boundary (those reserved up front advised to huge pages, below).
//
// Why not std::vector: the engine's order table and the gateways' report tables grow by one
// record per order for the life of the process. A vector doubles into fresh memory and copies
// every record on the way (hundreds of MB memmoved on the engine thread, a stall of tens of
// milliseconds, and a page fault for every 4 KiB of the copy); here growth maps one more chunk,
// whose pages fault in one at a time as it fills, and references to elements stay valid. An
// index costs a shift, a mask and one more load (the chunk's address, from a small array that
// stays cached).
// Huge pages: the chunks reserve() maps are advised to huge pages (one fault and one TLB entry
// per 2 MiB where the kernel offers them); chunks added by growth are not. Where transparent
// huge pages are "madvise" with defrag "madvise" (a common default), the first touch of an
// advised range compacts memory synchronously until a 2 MiB page is free: measured on the
// development VM, 5.7-14 ms on the appending thread for a new chunk of the order table (every
// 8,192 orders). 4 KiB pages fault in for microseconds each, spread over the chunk's appends.
//
// Threading: none of its own; like std::vector.
// Known limits: elements are added at the back only; clear() keeps the chunks for reuse.
// releaseBelow() hands whole chunks at the front back to the system (a table whose old
// records have been retired): indexes below first() must not be used after that.
#pragma once

#include <sys/mman.h>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <new>
#include <utility>
#include <vector>

#include "core/huge_pages.hpp"
#include "core/prefault.hpp"
#include "core/prefetch.hpp"

namespace alphintra {

template <typename T>
class ChunkedVector {
 public:
  static constexpr std::size_t kHugePage = std::size_t{2} << 20;
  // Elements per chunk: the power of two whose chunk first reaches 2 MiB (index = shift + mask).
  static constexpr std::size_t kPerChunk = std::bit_ceil((kHugePage + sizeof(T) - 1) / sizeof(T));
  static constexpr unsigned kShift = static_cast<unsigned>(std::countr_zero(kPerChunk));
  static constexpr std::size_t kMask = kPerChunk - 1;
  // Mapped bytes per chunk (whole 4 KiB pages): the first 2 MiB can be one huge page, the rest
  // (under 2 MiB more) comes in small pages as it is touched.
  static constexpr std::size_t kChunkBytes = (kPerChunk * sizeof(T) + 4095) & ~std::size_t{4095};
  static_assert(alignof(T) <= 4096, "chunks are page-aligned");

  ChunkedVector() = default;
  ~ChunkedVector() { release(); }
  ChunkedVector(const ChunkedVector&) = delete;
  ChunkedVector& operator=(const ChunkedVector&) = delete;
  ChunkedVector(ChunkedVector&& other) noexcept
      : chunks_(std::move(other.chunks_)),
        size_(std::exchange(other.size_, 0)),
        first_(std::exchange(other.first_, 0)) {
    other.chunks_.clear();
  }
  ChunkedVector& operator=(ChunkedVector&& other) noexcept {
    if (this != &other) {
      release();
      chunks_ = std::move(other.chunks_);
      other.chunks_.clear();
      size_ = std::exchange(other.size_, 0);
      first_ = std::exchange(other.first_, 0);
    }
    return *this;
  }

  T& operator[](std::size_t i) noexcept { return chunks_[i >> kShift][i & kMask]; }
  const T& operator[](std::size_t i) const noexcept { return chunks_[i >> kShift][i & kMask]; }
  T& back() noexcept { return (*this)[size_ - 1]; }
  const T& back() const noexcept { return (*this)[size_ - 1]; }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  std::size_t capacity() const noexcept { return chunks_.size() * kPerChunk; }

  template <typename... Args>
  T& emplace_back(Args&&... args) {
    if (size_ >= capacity()) addChunk(false);  // >: after startAt() in the middle of a chunk
    T* slot = &chunks_[size_ >> kShift][size_ & kMask];
    ::new (static_cast<void*>(slot)) T(std::forward<Args>(args)...);
    ++size_;
    return *slot;
  }
  void push_back(const T& value) { emplace_back(value); }
  void push_back(T&& value) { emplace_back(std::move(value)); }

  // Cache hint for the element `ahead` places past the back, which a later emplace_back will
  // write: a table appended at random times, far larger than the caches, otherwise takes the
  // write's miss (a read-for-ownership of every line) on the appending thread's critical path.
  // Only where that element's chunk is already mapped; changes nothing.
  void prefetchForAppend(std::size_t ahead) const noexcept {
    const std::size_t i = size_ + ahead;
    if (i >= capacity()) return;
    prefetchObjectForWrite(&chunks_[i >> kShift][i & kMask]);
  }

  // Destroys every element; the chunks still mapped stay for the next elements.
  void clear() noexcept {
    for (std::size_t i = size_; i > first_; --i) (*this)[i - 1].~T();
    size_ = 0;
    if (first_ != 0) std::erase(chunks_, nullptr);  // released ones: the rest move to the front
    first_ = 0;
  }

  // Destroys the elements below `index` and unmaps every chunk that holds only such elements;
  // the elements from `index` on keep their indexes and addresses. Elements below first()
  // (at most one chunk's worth below `index`) must not be used any more. The chunk-address
  // array keeps a null entry per released chunk (8 bytes per 2 MiB released).
  void releaseBelow(std::size_t index) noexcept {
    if (index > size_) index = size_;
    if (index <= first_) return;
    for (std::size_t i = first_; i < index; ++i) (*this)[i].~T();
    for (std::size_t c = first_ >> kShift; c < (index >> kShift); ++c) {
      ::munmap(chunks_[c], kChunkBytes);
      chunks_[c] = nullptr;
    }
    first_ = index;
  }
  // Makes an empty vector start at `index` (a table restored after releaseBelow()): the next
  // element appended gets that index, and no memory is mapped for the indexes below it.
  void startAt(std::size_t index) {
    release();
    chunks_.assign(index >> kShift, nullptr);
    size_ = index;
    first_ = index;
  }
  // The first index still usable (0 until releaseBelow() or startAt()).
  std::size_t first() const noexcept { return first_; }

  // Maps chunks for `n` elements and (Prefault::Now) faults their pages in now, at start-up, so
  // that the first `n` appends take no page fault; Prefault::Later maps them only (their pages
  // fault in on first use, or through a BackgroundPrefault of mappedRanges()).
  void reserve(std::size_t n, Prefault when = Prefault::Now) {
    while (capacity() < n) {
      addChunk(true);
      if (when == Prefault::Later) continue;
      auto* bytes = reinterpret_cast<volatile unsigned char*>(chunks_.back());
      for (std::size_t offset = 0; offset < kChunkBytes; offset += 4096) bytes[offset] = 0;
    }
  }
  // The memory of every mapped chunk, appended to `out` (for BackgroundPrefault).
  void mappedRanges(BackgroundPrefault::Ranges& out) const {
    for (T* chunk : chunks_) {
      if (chunk != nullptr) out.emplace_back(reinterpret_cast<std::byte*>(chunk), kChunkBytes);
    }
  }

  template <bool Const>
  class Iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = std::conditional_t<Const, const T*, T*>;
    using reference = std::conditional_t<Const, const T&, T&>;
    using Owner = std::conditional_t<Const, const ChunkedVector, ChunkedVector>;

    Iterator() = default;
    Iterator(Owner* owner, std::size_t index) : owner_(owner), index_(index) {}
    reference operator*() const noexcept { return (*owner_)[index_]; }
    pointer operator->() const noexcept { return &(*owner_)[index_]; }
    Iterator& operator++() noexcept {
      ++index_;
      return *this;
    }
    Iterator operator++(int) noexcept {
      Iterator before = *this;
      ++index_;
      return before;
    }
    friend bool operator==(const Iterator& a, const Iterator& b) noexcept { return a.index_ == b.index_; }

   private:
    Owner* owner_ = nullptr;
    std::size_t index_ = 0;
  };
  using iterator = Iterator<false>;
  using const_iterator = Iterator<true>;
  iterator begin() noexcept { return iterator(this, first_); }
  iterator end() noexcept { return iterator(this, size_); }
  const_iterator begin() const noexcept { return const_iterator(this, first_); }
  const_iterator end() const noexcept { return const_iterator(this, size_); }

 private:
  // Maps one more chunk at the back; `huge`: advised to huge pages (reserve() only).
  void addChunk(bool huge) {
    T* chunk = mapChunk(huge);
    try {
      chunks_.push_back(chunk);
    } catch (...) {
      ::munmap(chunk, kChunkBytes);
      throw;
    }
  }
  // A mapping that starts on a 2 MiB boundary (over-map by 2 MiB, trim both ends), so that the
  // kernel can back its first 2 MiB with one huge page.
  T* mapChunk(bool huge) {
    const std::size_t span = kChunkBytes + kHugePage;
    void* raw = ::mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) throw std::bad_alloc();
    const auto begin = reinterpret_cast<std::uintptr_t>(raw);
    const std::uintptr_t aligned = (begin + kHugePage - 1) & ~(std::uintptr_t{kHugePage} - 1);
    if (aligned > begin) ::munmap(raw, aligned - begin);
    const std::uintptr_t tail = aligned + kChunkBytes;
    if (begin + span > tail) ::munmap(reinterpret_cast<void*>(tail), begin + span - tail);
    if (huge) adviseHugePages(reinterpret_cast<void*>(aligned), kChunkBytes);
    return reinterpret_cast<T*>(aligned);
  }

  void release() noexcept {
    clear();
    for (T* chunk : chunks_) {
      if (chunk != nullptr) ::munmap(chunk, kChunkBytes);
    }
    chunks_.clear();
  }

  std::vector<T*> chunks_;  // null: released (releaseBelow)
  std::size_t size_ = 0;
  std::size_t first_ = 0;  // elements below were released
};

}  // namespace alphintra
