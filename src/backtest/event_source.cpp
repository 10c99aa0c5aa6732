#include "backtest/event_source.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "backtest/replay_venue.hpp"
#include "marketdata/itch/itch_book.hpp"
#include "marketdata/itch/itch_file.hpp"

namespace alphintra::backtest {

MemoryEventSource::MemoryEventSource(std::vector<marketdata::MarketEvent> events) : events_(std::move(events)) {
  std::stable_sort(events_.begin(), events_.end(),
                   [](const marketdata::MarketEvent& a, const marketdata::MarketEvent& b) {
                     return a.exchangeTime() < b.exchangeTime();
                   });
}

Result<std::size_t> MemoryEventSource::read(std::span<marketdata::MarketEvent> out) {
  const std::size_t n = std::min(out.size(), events_.size() - next_);
  std::copy_n(events_.begin() + static_cast<std::ptrdiff_t>(next_), n, out.begin());
  next_ += n;
  return n;
}

MergedEventSource::MergedEventSource(std::vector<std::unique_ptr<EventSource>> sources) {
  for (auto& s : sources) {
    Input in;
    in.source = std::move(s);
    in.buffer.resize(2048);
    inputs_.push_back(std::move(in));
  }
}

std::size_t MergedEventSource::sizeHint() const noexcept {
  std::size_t total = 0;
  for (const Input& in : inputs_) total += in.source->sizeHint();
  return total;
}

Result<bool> MergedEventSource::refill(Input& in) {
  if (in.next < in.size) return true;
  if (in.done) return false;
  auto n = in.source->read(in.buffer);
  if (!n) return n.error();
  in.next = 0;
  in.size = *n;
  in.done = *n == 0;
  return !in.done;
}

Result<std::size_t> MergedEventSource::read(std::span<marketdata::MarketEvent> out) {
  std::size_t n = 0;
  while (n < out.size()) {
    Input* best = nullptr;
    for (Input& in : inputs_) {
      auto more = refill(in);
      if (!more) return more.error();
      if (!*more) continue;
      if (best == nullptr || in.buffer[in.next].exchangeTime() < best->buffer[best->next].exchangeTime()) best = &in;
    }
    if (best == nullptr) break;
    out[n++] = best->buffer[best->next++];
  }
  return n;
}

namespace {

marketdata::MarketEvent wrap(const marketdata::TradeEvent& t) {
  marketdata::MarketEvent e;
  e.kind = marketdata::MarketEventKind::Trade;
  e.body.trade = t;
  return e;
}

marketdata::MarketEvent wrap(const marketdata::QuoteEvent& q) {
  marketdata::MarketEvent e;
  e.kind = marketdata::MarketEventKind::Quote;
  e.body.quote = q;
  return e;
}

marketdata::MarketEvent wrap(const marketdata::BookOrderEvent& o) {
  marketdata::MarketEvent e;
  e.kind = marketdata::MarketEventKind::BookOrder;
  e.body.order = o;
  return e;
}

}  // namespace

Result<std::unique_ptr<LobsterEventSource>> LobsterEventSource::open(const std::filesystem::path& file,
                                                                     marketdata::LobsterOptions options) {
  auto reader = marketdata::LobsterReader::open(file, options);
  if (!reader) return reader.error();
  return std::unique_ptr<LobsterEventSource>(new LobsterEventSource(std::move(reader).value()));
}

Result<std::size_t> LobsterEventSource::read(std::span<marketdata::MarketEvent> out) {
  std::size_t n = 0;
  while (n < out.size()) {
    if (tradeWaiting_) {
      out[n++] = wrap(trade_);
      tradeWaiting_ = false;
      continue;
    }
    marketdata::LobsterRecord r;
    auto more = reader_.next(r);
    if (!more) return more.error();
    if (!*more) break;
    if (r.hasOrder && r.order.orderId >= ReplayVenue::kSyntheticBit) {
      return makeError("order id", fmt::format("line {}: order id {} is too large for the replay (at most 2^62 - 1)",
                                               reader_.lineNumber(), r.order.orderId));
    }
    if (r.hasOrder) out[n++] = wrap(r.order);
    if (r.hasTrade) {
      trade_ = r.trade;
      tradeWaiting_ = true;
    }
  }
  return n;
}

Result<std::unique_ptr<TradeCsvEventSource>> TradeCsvEventSource::open(const std::filesystem::path& file,
                                                                       marketdata::EventCsvOptions options) {
  auto reader = marketdata::TradeCsvReader::open(file, options);
  if (!reader) return reader.error();
  return std::unique_ptr<TradeCsvEventSource>(new TradeCsvEventSource(std::move(reader).value()));
}

Result<std::size_t> TradeCsvEventSource::read(std::span<marketdata::MarketEvent> out) {
  std::size_t n = 0;
  marketdata::TradeEvent t;
  while (n < out.size()) {
    auto more = reader_.next(t);
    if (!more) return more.error();
    if (!*more) break;
    out[n++] = wrap(t);
  }
  return n;
}

Result<std::unique_ptr<QuoteCsvEventSource>> QuoteCsvEventSource::open(const std::filesystem::path& file,
                                                                       marketdata::EventCsvOptions options) {
  auto reader = marketdata::QuoteCsvReader::open(file, options);
  if (!reader) return reader.error();
  return std::unique_ptr<QuoteCsvEventSource>(new QuoteCsvEventSource(std::move(reader).value()));
}

Result<std::size_t> QuoteCsvEventSource::read(std::span<marketdata::MarketEvent> out) {
  std::size_t n = 0;
  marketdata::QuoteEvent q;
  while (n < out.size()) {
    auto more = reader_.next(q);
    if (!more) return more.error();
    if (!*more) break;
    out[n++] = wrap(q);
  }
  return n;
}

// ITCH: the framed file read in 4 MiB pieces; each message decoded into the events it makes.
struct ItchEventSource::State {
  explicit State(ItchSourceOptions o) : options(std::move(o)), book(1u << 18), idOf(65'536, 0) {
    if (options.locates.empty()) {
      for (std::size_t l = 1; l < idOf.size(); ++l) idOf[l] = l;
    }
    for (std::size_t k = 0; k < options.locates.size() && k < options.instruments.size(); ++k) {
      idOf[options.locates[k]] = options.instruments[k].value();
    }
  }
  ~State() {
    if (fd >= 0) ::close(fd);
  }

  // The parser's handler interface: each message appends its events to `ready`.
  void on(const marketdata::itch::AddOrder& m) {
    book.add(m.header.stockLocate, m.orderRef, m.side, m.shares, m.price);
    if (wanted(m.header.stockLocate))
      order(m.header, m.header.stockLocate, m.orderRef, m.side, m.price, m.shares, marketdata::BookAction::Add);
  }
  void on(const marketdata::itch::OrderExecuted& m) {
    marketdata::itch::OrderInfo o;
    if (!book.execute(m.orderRef, m.executedShares, o) || !wanted(o.locate)) return;
    order(m.header, o.locate, m.orderRef, o.side, o.price, m.executedShares, marketdata::BookAction::Fill);
    trade(m.header, o.locate, o.price, m.executedShares, m.matchNumber, opposite(side(o.side)));
  }
  void on(const marketdata::itch::OrderExecutedWithPrice& m) {
    marketdata::itch::OrderInfo o;
    if (!book.execute(m.orderRef, m.executedShares, o) || !wanted(o.locate)) return;
    order(m.header, o.locate, m.orderRef, o.side, o.price, m.executedShares, marketdata::BookAction::Fill);
    if (m.printable == 'Y') {
      trade(m.header, o.locate, m.executionPrice, m.executedShares, m.matchNumber, opposite(side(o.side)));
    }
  }
  void on(const marketdata::itch::OrderCancel& m) {
    marketdata::itch::OrderInfo o;
    if (!book.reduce(m.orderRef, m.cancelledShares, o) || !wanted(o.locate)) return;
    order(m.header, o.locate, m.orderRef, o.side, o.price, m.cancelledShares, marketdata::BookAction::Cancel);
  }
  void on(const marketdata::itch::OrderDelete& m) {
    marketdata::itch::OrderInfo o;
    if (!book.remove(m.orderRef, o) || !wanted(o.locate)) return;
    order(m.header, o.locate, m.orderRef, o.side, o.price, o.shares, marketdata::BookAction::Delete);
  }
  void on(const marketdata::itch::OrderReplace& m) {
    marketdata::itch::OrderInfo o;
    if (!book.findOrder(m.originalOrderRef, o)) {
      book.replace(m.originalOrderRef, m.newOrderRef, m.shares, m.price);
      return;
    }
    book.replace(m.originalOrderRef, m.newOrderRef, m.shares, m.price);
    if (!wanted(o.locate)) return;
    // A new reference number: the order loses its place, as a delete and an add.
    order(m.header, o.locate, m.originalOrderRef, o.side, o.price, o.shares, marketdata::BookAction::Delete);
    order(m.header, o.locate, m.newOrderRef, o.side, m.price, m.shares, marketdata::BookAction::Add);
  }
  void on(const marketdata::itch::Trade& m) {
    if (wanted(m.header.stockLocate)) {
      trade(m.header, m.header.stockLocate, m.price, m.shares, m.matchNumber, opposite(side(m.side)));
    }
  }
  void on(const marketdata::itch::CrossTrade& m) {
    if (m.shares > 0 && wanted(m.header.stockLocate)) {
      trade(m.header, m.header.stockLocate, m.crossPrice, m.shares, m.matchNumber, Side::None);
    }
  }

  static Side side(char c) noexcept { return c == 'B' ? Side::Buy : Side::Sell; }
  Timestamp time(const marketdata::itch::Header& h) const noexcept {
    return Timestamp{options.midnight.nanos() + static_cast<std::int64_t>(h.timestamp)};
  }
  bool wanted(std::uint16_t locate) const noexcept { return idOf[locate] != 0; }
  InstrumentId instrument(std::uint16_t locate) const noexcept { return InstrumentId{idOf[locate]}; }
  void order(const marketdata::itch::Header& h, std::uint16_t locate, std::uint64_t ref, char s, std::uint32_t price,
             std::uint64_t shares, marketdata::BookAction action) {
    marketdata::BookOrderEvent e;
    e.instrument = instrument(locate);
    e.exchangeTime = e.receiveTime = time(h);
    e.orderId = ref;
    e.price = Price::fromRaw(price);
    e.quantity = Quantity::fromRaw(static_cast<std::int64_t>(shares));
    e.side = side(s);
    e.action = action;
    ready.push_back(wrap(e));
  }
  void trade(const marketdata::itch::Header& h, std::uint16_t locate, std::uint32_t price, std::uint64_t shares,
             std::uint64_t match, Side aggressor) {
    marketdata::TradeEvent t;
    t.instrument = instrument(locate);
    t.exchangeTime = t.receiveTime = time(h);
    t.price = Price::fromRaw(price);
    t.quantity = Quantity::fromRaw(static_cast<std::int64_t>(shares));
    t.tradeId = match;
    t.aggressor = aggressor;
    ready.push_back(wrap(t));
  }

  ItchSourceOptions options;
  marketdata::itch::ItchBookBuilder book;
  std::vector<std::uint64_t> idOf;  // instrument id by locate; 0: not replayed
  std::string file;
  int fd = -1;
  std::unique_ptr<std::uint8_t[]> buffer;
  std::size_t have = 0;    // bytes in buffer
  std::size_t at = 0;      // next frame
  std::uint64_t base = 0;  // file offset of buffer[0]
  bool eof = false;
  std::vector<marketdata::MarketEvent> ready;  // events of the last message not yet handed out
  std::size_t readyNext = 0;
};

static constexpr std::size_t kItchBuffer = 4u << 20;

namespace {

struct DirectoryScan {
  void on(const marketdata::itch::StockDirectory& m) {
    stocks.emplace_back(m.header.stockLocate, std::string(marketdata::itch::stockName(m.stock)));
  }
  void on(const marketdata::itch::AddOrder&) { ordersSeen = true; }
  bool stop() const noexcept { return ordersSeen; }
  std::vector<std::pair<std::uint16_t, std::string>> stocks;
  bool ordersSeen = false;
};

}  // namespace

Result<std::vector<std::pair<std::uint16_t, std::string>>> itchStockDirectory(const std::filesystem::path& file) {
  DirectoryScan scan;
  auto read = marketdata::itch::readItchFile(file, scan);
  if (!read) return read.error();
  return std::move(scan.stocks);
}

ItchEventSource::ItchEventSource(std::unique_ptr<State> state) : state_(std::move(state)) {}
ItchEventSource::~ItchEventSource() = default;

Result<std::unique_ptr<ItchEventSource>> ItchEventSource::open(const std::filesystem::path& file,
                                                               ItchSourceOptions options) {
  auto s = std::make_unique<State>(std::move(options));
  s->file = file.string();
  s->fd = ::open(s->file.c_str(), O_RDONLY | O_CLOEXEC);
  if (s->fd < 0) return makeError("file", fmt::format("cannot open {}: {}", s->file, std::strerror(errno)));
  s->buffer = std::make_unique<std::uint8_t[]>(kItchBuffer);
  return std::unique_ptr<ItchEventSource>(new ItchEventSource(std::move(s)));
}

Result<std::size_t> ItchEventSource::read(std::span<marketdata::MarketEvent> out) {
  State& s = *state_;
  std::size_t n = 0;
  while (n < out.size()) {
    if (s.readyNext < s.ready.size()) {
      out[n++] = s.ready[s.readyNext++];
      continue;
    }
    s.ready.clear();
    s.readyNext = 0;
    const std::size_t left = s.have - s.at;
    const std::size_t length = left >= 2 ? marketdata::itch::wire::u16(s.buffer.get() + s.at) : 0;
    if (left < 2 || left - 2 < length) {
      if (s.eof) {
        if (left == 0) break;
        return makeError("file", fmt::format("{}: offset {}: the file ends inside a message ({} of {} bytes)", s.file,
                                             s.base + s.at, left, left >= 2 ? length + 2 : 2));
      }
      std::memmove(s.buffer.get(), s.buffer.get() + s.at, left);
      s.base += s.at;
      s.at = 0;
      s.have = left;
      const ssize_t got = ::read(s.fd, s.buffer.get() + s.have, kItchBuffer - s.have);
      if (got < 0) {
        if (errno == EINTR) continue;
        return makeError("file", fmt::format("cannot read {}: {}", s.file, std::strerror(errno)));
      }
      if (got == 0) s.eof = true;
      s.have += static_cast<std::size_t>(got);
      continue;
    }
    const auto status = marketdata::itch::decodeMessage(s.buffer.get() + s.at + 2, length, s);
    if (status != marketdata::itch::DecodeStatus::Ok) {
      return marketdata::itch::frameError(s.file, s.base + s.at, s.buffer.get() + s.at, status);
    }
    s.at += 2 + length;
  }
  return n;
}

}  // namespace alphintra::backtest
