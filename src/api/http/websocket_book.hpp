// The book channel's increments: the change between two depth samples of one side, as levels
// to set (new or changed quantity) and levels to remove (quantity 0), the form the WebSocket
// API sends after a snapshot (docs/api.md).
//
// The hub samples depth from the engine at a fixed period rather than replaying every book
// event: the engine publishes top-of-book quotes, not level changes, and a period bounds the
// message rate per symbol however busy the book is (a client sees the net change of each
// period). Samples hold at most N levels per side, so a level pushed out of the top N by a
// better one is removed from the client's view too: the client's book is the top N.
//
// Threading: pure functions; any thread.
#pragma once

#include <vector>

#include "book/order_book.hpp"
#include "core/side.hpp"

namespace alphintra::api::http {

// One instrument's displayed depth, best first on each side.
struct BookDepth {
  std::vector<book::LevelView> bids;
  std::vector<book::LevelView> asks;
};

// Appends to `out` what turns `before` into `after` (both one side, best first): each level of
// `after` whose quantity differs from `before`'s at that price, then each price of `before`
// missing from `after` with quantity 0. Nothing when the sides are equal.
void diffSide(const std::vector<book::LevelView>& before, const std::vector<book::LevelView>& after,
              std::vector<book::LevelView>& out);

}  // namespace alphintra::api::http
