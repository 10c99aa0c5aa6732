#include "backtest/bar_source.hpp"

namespace alphintra::backtest {

MergedBarSource::MergedBarSource(std::vector<std::unique_ptr<BarSource>> sources) {
  for (auto& s : sources) {
    Input in;
    in.source = std::move(s);
    in.buffer.resize(4096);
    inputs_.push_back(std::move(in));
  }
}

std::size_t MergedBarSource::sizeHint() const noexcept {
  std::size_t total = 0;
  for (const Input& in : inputs_) total += in.source->sizeHint();
  return total;
}

Result<bool> MergedBarSource::refill(Input& in) {
  if (in.next < in.size || in.done) return !in.done || in.next < in.size;
  auto n = in.source->read(in.buffer);
  if (!n) return n.error();
  in.next = 0;
  in.size = *n;
  if (*n == 0) in.done = true;
  return !in.done;
}

Result<std::size_t> MergedBarSource::read(std::span<marketdata::Bar> out) {
  std::size_t n = 0;
  while (n < out.size()) {
    Input* best = nullptr;
    for (Input& in : inputs_) {
      auto more = refill(in);
      if (!more) return more.error();
      if (!*more) continue;
      if (best == nullptr || in.buffer[in.next].start < best->buffer[best->next].start) best = &in;
    }
    if (best == nullptr) break;
    out[n++] = best->buffer[best->next++];
  }
  return n;
}

}  // namespace alphintra::backtest
