// LiveStrategySpec: one strategy to run inside `alphintra serve`, as given by `--strategy SPEC`
// (or `strategy = ["SPEC", ...]` in the config file). docs/strategies.md, "Live in serve".
//
//   NAME:key=value,key=value,...        e.g.  sma_cross:account=2,instruments=AAPL+MSFT,bar=5s,fast=5,slow=20
//
// Keys the host reads: `account` (required: the engine account it trades; one strategy per
// account), `instruments` (required: symbols joined by '+', in slot order), `id` (its name in
// the REST API and in its client order ids; default NAME; letters, digits, '_' and '-', at most
// 12), `bar` (the time bars onBar sees, 1s to 1d; default 1m), `book` (how often onBook sees the
// top five levels of each instrument, 10ms to 60s, e.g. `book=250ms`; default: never). Every
// other key is a parameter of
// the strategy (`alphintra backtest --list` shows them), checked when the strategy is built.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/ids.hpp"
#include "core/result.hpp"
#include "strategy/parameters.hpp"

namespace alphintra::live {

struct LiveStrategySpec {
  std::string id;
  std::string name;
  AccountId account;
  std::vector<std::string> symbols;
  std::int64_t barNanos = 60'000'000'000;
  std::int64_t bookNanos = 0;  // 0: no onBook
  strategy::Parameters params;
  std::string text;  // as given
};

inline constexpr std::size_t kMaxStrategyIdLength = 12;

// Syntax only (the strategy name and its parameters are checked by StrategyHost::add). Errors
// name the key ("strategy.account") and say what is wrong.
Result<LiveStrategySpec> parseLiveStrategySpec(std::string_view text);

}  // namespace alphintra::live
