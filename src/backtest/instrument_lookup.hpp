// InstrumentLookup: an instrument id → the backtester's index of that instrument (its place in
// the list the backtester was given), read for every bar or event.
//
// Ids no larger than a few times the count (the usual 1..n numbering) are read from a direct
// table; other numberings go through the hash index. Built once, read-only after.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "book/id_index.hpp"
#include "core/instrument.hpp"

namespace alphintra::backtest {

class InstrumentLookup {
 public:
  static constexpr std::uint32_t kMissing = book::IdIndex::kMissing;

  void build(std::span<const Instrument> instruments) {
    std::uint64_t maxId = 0;
    for (std::uint32_t i = 0; i < instruments.size(); ++i) {
      index_.insert(instruments[i].id().value(), i);
      maxId = std::max(maxId, instruments[i].id().value());
    }
    if (maxId < 4 * instruments.size() + 1024) {
      byId_.assign(maxId + 1, kMissing);
      for (std::uint32_t i = 0; i < instruments.size(); ++i) byId_[instruments[i].id().value()] = i;
    }
  }

  std::uint32_t find(std::uint64_t id) const noexcept {
    if (byId_.empty()) return index_.find(id);
    return id < byId_.size() ? byId_[id] : kMissing;
  }
  // The direct table (empty when the ids are not small): a loop may keep it in registers.
  std::span<const std::uint32_t> direct() const noexcept { return byId_; }
  // The hash index, for ids when direct() is empty.
  std::uint32_t findHashed(std::uint64_t id) const noexcept { return index_.find(id); }

 private:
  book::IdIndex index_{64};
  std::vector<std::uint32_t> byId_;  // id → index when ids are small (else empty)
};

}  // namespace alphintra::backtest
