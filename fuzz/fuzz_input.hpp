// What the fuzz targets share: their inputs' lines, an engine sized for small inputs, its state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/binary_io.hpp"
#include "engine/engine.hpp"

namespace alphintra::fuzz {

// The input as text, split at '\n' (the last line need not end with one).
inline std::vector<std::string_view> lines(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> out;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// The engine's whole state as a snapshot holds it.
inline std::vector<std::byte> saved(const engine::Engine& e) {
  std::vector<std::byte> bytes;
  ByteWriter out(bytes);
  e.save(out);
  return bytes;
}

// An engine's tables sized for a few hundred orders: a fresh one per input stays cheap.
inline engine::EngineOptions smallEngine() {
  engine::EngineOptions o;
  o.expectedOrders = 256;
  o.book.expectedOrders = 256;
  o.book.expectedLevels = 64;
  return o;
}

}  // namespace alphintra::fuzz
