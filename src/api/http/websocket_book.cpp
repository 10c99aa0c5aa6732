// Book increments (see websocket_book.hpp). Sides hold a few dozen levels: a merge walk would
// need the side's price order; a nested scan is as fast at this size and needs none.
#include "api/http/websocket_book.hpp"

namespace alphintra::api::http {
namespace {

const book::LevelView* find(const std::vector<book::LevelView>& levels, Price price) {
  for (const book::LevelView& level : levels) {
    if (level.price == price) return &level;
  }
  return nullptr;
}

}  // namespace

void diffSide(const std::vector<book::LevelView>& before, const std::vector<book::LevelView>& after,
              std::vector<book::LevelView>& out) {
  for (const book::LevelView& level : after) {
    const book::LevelView* old = find(before, level.price);
    if (old == nullptr || old->quantity != level.quantity) out.push_back(level);
  }
  for (const book::LevelView& level : before) {
    if (find(after, level.price) == nullptr) out.push_back(book::LevelView{level.price, Quantity::zero(), 0});
  }
}

}  // namespace alphintra::api::http
