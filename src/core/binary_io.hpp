// ByteWriter / ByteReader: the little-endian binary encoding used by engine snapshots.
//
// Every value is written field by field in little-endian order (never a struct memcpy), which
// keeps the format independent of padding and of the host. A snapshot of a busy engine holds
// hundreds of thousands of orders and is serialized on the engine thread, so a field is one
// resize and one copy on a little-endian host, not a push_back per byte. The reader never reads past
// its input: a short or malformed input sets a sticky failure flag and returns zeros, and the
// caller checks ok() once at the end (and names what it was reading in its error).
//
// Threading: a writer or reader belongs to one thread.
#pragma once

#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace alphintra {

class ByteWriter {
 public:
  explicit ByteWriter(std::vector<std::byte>& out) noexcept : out_(out) {}

  void u8(std::uint8_t v) { out_.push_back(static_cast<std::byte>(v)); }
  void u32(std::uint32_t v) { putLe(v, 4); }
  void u64(std::uint64_t v) { putLe(v, 8); }
  void i64(std::int64_t v) { putLe(static_cast<std::uint64_t>(v), 8); }
  void boolean(bool v) { u8(v ? 1 : 0); }
  // Length-prefixed (u32) bytes.
  void string(std::string_view s) {
    u32(static_cast<std::uint32_t>(s.size()));
    const auto* p = reinterpret_cast<const std::byte*>(s.data());
    out_.insert(out_.end(), p, p + s.size());
  }
  void bytes(std::span<const std::byte> b) { out_.insert(out_.end(), b.begin(), b.end()); }

  std::size_t size() const noexcept { return out_.size(); }

  // A fixed-size record written in place: one size check for the whole record instead of one per
  // field (snapshots write millions of order records). The fields must fill exactly the bytes
  // asked for (debug builds assert it when the record ends).
  class Record {
   public:
    Record(const Record&) = delete;
    Record& operator=(const Record&) = delete;
    ~Record() { assert(at_ == end_); }
    Record& u8(std::uint8_t v) noexcept { return put(v, 1); }
    Record& u32(std::uint32_t v) noexcept { return put(v, 4); }
    // Length-prefixed (u32) bytes, as ByteWriter::string: 4 + s.size() bytes of the record.
    Record& string(std::string_view s) noexcept {
      put(static_cast<std::uint32_t>(s.size()), 4);
      assert(at_ + s.size() <= end_);
      if (!s.empty()) std::memcpy(at_, s.data(), s.size());
      at_ += s.size();
      return *this;
    }
    Record& u64(std::uint64_t v) noexcept { return put(v, 8); }
    Record& i64(std::int64_t v) noexcept { return put(static_cast<std::uint64_t>(v), 8); }
    Record& boolean(bool v) noexcept { return put(v ? 1 : 0, 1); }

   private:
    friend class ByteWriter;
    Record(std::byte* at, std::size_t n) noexcept : at_(at), end_(at + n) {}
    Record& put(std::uint64_t v, std::size_t n) noexcept {
      assert(at_ + n <= end_);
      if constexpr (std::endian::native == std::endian::little) {
        std::memcpy(at_, &v, n);
      } else {
        for (std::size_t i = 0; i < n; ++i) at_[i] = static_cast<std::byte>((v >> (8 * i)) & 0xFFu);
      }
      at_ += n;
      return *this;
    }
    std::byte* at_;
    [[maybe_unused]] std::byte* end_;  // read by the assert alone
  };
  Record record(std::size_t bytes) { return Record(grow(bytes), bytes); }

 private:
  void putLe(std::uint64_t v, int n) {
    std::byte* at = grow(static_cast<std::size_t>(n));
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(at, &v, static_cast<std::size_t>(n));
    } else {
      for (int i = 0; i < n; ++i) at[i] = static_cast<std::byte>((v >> (8 * i)) & 0xFFu);
    }
  }
  // Out of line on purpose: inlined into callers that write into a fresh vector, GCC 12's
  // object-size analysis of resize() reports overflows that cannot happen.
  [[gnu::noinline]] std::byte* grow(std::size_t n) {
    const std::size_t at = out_.size();
    out_.resize(at + n);
    return out_.data() + at;
  }
  std::vector<std::byte>& out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::span<const std::byte> in) noexcept : in_(in) {}

  std::uint8_t u8() noexcept { return static_cast<std::uint8_t>(getLe(1)); }
  std::uint32_t u32() noexcept { return static_cast<std::uint32_t>(getLe(4)); }
  std::uint64_t u64() noexcept { return getLe(8); }
  std::int64_t i64() noexcept { return static_cast<std::int64_t>(getLe(8)); }
  bool boolean() noexcept {
    const std::uint8_t v = u8();
    if (v > 1) failed_ = true;
    return v == 1;
  }
  std::string string() { return std::string(stringView()); }
  // The same without a copy: valid as long as the input is.
  std::string_view stringView() noexcept {
    const std::uint32_t n = u32();
    if (!need(n)) return {};
    const std::string_view s(reinterpret_cast<const char*>(in_.data() + pos_), n);
    pos_ += n;
    return s;
  }
  // A count that the caller will allocate for: refused (failure) when larger than `max`, so a
  // corrupt length cannot make the reader allocate gigabytes.
  std::uint32_t count(std::uint32_t max) noexcept {
    const std::uint32_t n = u32();
    if (n > max) {
      failed_ = true;
      return 0;
    }
    return n;
  }
  // Marks the input as malformed (a value out of its range); sticky like a short read.
  void fail() noexcept { failed_ = true; }

  bool ok() const noexcept { return !failed_; }
  bool atEnd() const noexcept { return pos_ == in_.size(); }
  std::size_t position() const noexcept { return pos_; }
  std::size_t remaining() const noexcept { return in_.size() - pos_; }

 private:
  bool need(std::size_t n) noexcept {
    if (failed_ || in_.size() - pos_ < n) {
      failed_ = true;
      return false;
    }
    return true;
  }
  std::uint64_t getLe(int n) noexcept {
    if (!need(static_cast<std::size_t>(n))) return 0;
    std::uint64_t v = 0;
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(&v, in_.data() + pos_, static_cast<std::size_t>(n));
    } else {
      for (int i = 0; i < n; ++i) v |= static_cast<std::uint64_t>(in_[pos_ + static_cast<std::size_t>(i)]) << (8 * i);
    }
    pos_ += static_cast<std::size_t>(n);
    return v;
  }
  std::span<const std::byte> in_;
  std::size_t pos_ = 0;
  bool failed_ = false;
};

}  // namespace alphintra
