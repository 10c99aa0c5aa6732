#include "app/serve_history.hpp"

#include <fmt/format.h>

#include <chrono>
#include <deque>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "api/http/request_parsing.hpp"
#include "marketdata/bar_aggregator.hpp"

namespace alphintra::app {
namespace {

using json = nlohmann::ordered_json;
constexpr std::int64_t kNanosPerSecond = 1'000'000'000;

}  // namespace

Result<std::unique_ptr<ServeHistory>> ServeHistory::open(const std::filesystem::path& dir,
                                                         const api::Directory& directory, ServeHistoryOptions options) {
  if (options.retention && *options.retention < kMinRetention) {
    return makeError("history-retention", fmt::format("is {} s; at least {} s (a day) or none",
                                                      options.retention->count(), kMinRetention.count()));
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return makeError("data-dir", fmt::format("cannot create {}: {}", dir.string(), ec.message()));
  auto writer = marketdata::HistoryWriter::open(dir);
  if (!writer.ok()) return writer.error();
  auto reader = marketdata::HistoryReader::open(dir);
  if (!reader.ok()) return reader.error();
  return std::unique_ptr<ServeHistory>(
      new ServeHistory(directory, std::move(writer.value()), std::move(reader.value()), dir, std::move(options)));
}

ServeHistory::ServeHistory(const api::Directory& directory, marketdata::HistoryWriter writer,
                           marketdata::HistoryReader reader, std::filesystem::path dir, ServeHistoryOptions options)
    : directory_(directory),
      dir_(std::move(dir)),
      options_(std::move(options)),
      writer_(std::move(writer)),
      reader_(std::move(reader)),
      recorder_(writer_) {}

void ServeHistory::prune() {
  if (!options_.retention) return;
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const Timestamp cutoff{std::chrono::duration_cast<std::chrono::nanoseconds>(now - *options_.retention).count()};
  auto report = marketdata::pruneHistory(dir_, cutoff);
  if (!options_.log) return;
  if (!report.ok()) {
    options_.log(fmt::format("history: retention stopped: {}", report.error().message));
  } else if (report->filesRemoved != 0) {
    options_.log(fmt::format("history: removed {} files ({} bytes) of days ended more than {} s ago",
                             report->filesRemoved, report->bytesRemoved, options_.retention->count()));
  }
}

ServeHistory::~ServeHistory() { stop(); }

void ServeHistory::onEvent(const engine::EngineEvent& event) {
  if (event.kind != engine::EventKind::PublicTrade) return;
  if (!ring_.tryPush(event)) dropped_.fetch_add(1, std::memory_order_relaxed);
}

void ServeHistory::start() {
  thread_ = std::thread([this] { run(); });
}

void ServeHistory::stop() {
  if (!thread_.joinable()) return;
  stop_.store(true, std::memory_order_release);
  thread_.join();
}

void ServeHistory::run() {
  std::unordered_set<std::uint64_t> described;
  auto lastFlush = std::chrono::steady_clock::now();
  const auto drain = [&] {
    engine::EngineEvent e;
    while (ring_.tryPop(e)) {
      const InstrumentId id = e.body.trade.instrument;
      if (described.insert(id.value()).second) {
        if (const auto instrument = directory_.instrument(id)) {
          (void)writer_.describe(marketdata::HistoryInstrument{id, instrument->symbol(), instrument->pricePrecision(),
                                                               instrument->quantityPrecision()});
        }
      }
      (void)recorder_.onEngineEvent(e);  // an out-of-order trade is refused by the store, not fatal
    }
  };
  prune();
  auto lastPrune = std::chrono::steady_clock::now();
  while (!stop_.load(std::memory_order_acquire)) {
    drain();
    const auto now = std::chrono::steady_clock::now();
    if (now - lastPrune >= kPruneEvery) {
      prune();
      lastPrune = now;
    }
    if (now - lastFlush >= std::chrono::seconds{1}) {
      (void)recorder_.flush();
      lastFlush = now;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  drain();
  (void)recorder_.finish();
}

void ServeHistory::handle(const api::http::Request& request, api::http::Respond& respond) const {
  using api::http::errorResponse;
  if (request.method != api::http::Method::Get) {
    return respond(errorResponse(405, "method_not_allowed", "the history route allows GET"));
  }
  const auto symbol = api::http::percentDecode(std::string_view(request.path).substr(kPrefix.size()), false);
  if (!symbol) return respond(errorResponse(400, "invalid_request", "malformed %-escape in the symbol", "symbol"));
  const auto instrument = directory_.instrumentBySymbol(*symbol);
  if (!instrument) {
    return respond(errorResponse(404, "unknown_symbol", fmt::format("unknown symbol \"{}\"", *symbol), "symbol"));
  }
  auto query = api::http::parseQuery(request.query);
  if (!query.ok()) return respond(api::http::badRequest(query.error()));
  std::string intervalText = "1m";
  std::int64_t interval = 60 * kNanosPerSecond;
  std::optional<std::int64_t> start;
  std::optional<std::int64_t> end;
  std::size_t limit = 1000;
  for (const auto& [name, value] : query.value()) {
    if (name == "interval") {
      auto parsed = marketdata::parseInterval(value);
      if (!parsed.ok()) return respond(errorResponse(400, "invalid_request", parsed.error().message, name));
      interval = parsed.value();
      intervalText = value;
    } else if (name == "start" || name == "end") {
      const auto seconds = api::http::parseUnsigned(value);
      // Nanoseconds in 64 bits end in April 2262: 9,223,372,036 seconds.
      if (!seconds || *seconds > 9'223'372'036ULL) {
        return respond(errorResponse(400, "invalid_request",
                                     fmt::format("{} is Unix time in seconds, at most 9223372036 (in 2262)", name),
                                     name));
      }
      (name == "start" ? start : end) = static_cast<std::int64_t>(*seconds) * kNanosPerSecond;
    } else if (name == "limit") {
      const auto l = api::http::parseUnsigned(value);
      if (!l || *l == 0 || *l > kMaxBars) {
        return respond(errorResponse(400, "invalid_request", fmt::format("limit is 1 to {}", kMaxBars), name));
      }
      limit = static_cast<std::size_t>(*l);
    } else {
      return respond(errorResponse(
          400, "invalid_request",
          fmt::format("unknown query parameter \"{}\"; expected interval, start, end, limit", name), name));
    }
  }
  const std::int64_t nowNanos =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const std::int64_t to = end.value_or(nowNanos + interval);
  // Without a start: the last `limit` bars' worth of time.
  const std::int64_t from = start.value_or(to - static_cast<std::int64_t>(limit) * interval);
  if (from >= to) return respond(errorResponse(400, "invalid_request", "start must be before end", "start"));
  std::deque<marketdata::Bar> latest;  // the last `limit` bars of the range
  const auto stats =
      reader_.queryBars(instrument->id(), interval, Timestamp{from}, Timestamp{to}, [&](const marketdata::Bar& b) {
        latest.push_back(b);
        if (latest.size() > limit) latest.pop_front();
        return true;
      });
  json bars = json::array();
  if (stats.ok()) {  // an instrument with no data yet has no bars
    for (const marketdata::Bar& b : latest) {
      json bar;
      bar["time"] = b.start.nanos() / kNanosPerSecond;
      bar["open"] = instrument->formatPrice(b.open);
      bar["high"] = instrument->formatPrice(b.high);
      bar["low"] = instrument->formatPrice(b.low);
      bar["close"] = instrument->formatPrice(b.close);
      bar["volume"] = instrument->formatQuantity(b.volume);
      bars.push_back(std::move(bar));
    }
  }
  json body;
  body["symbol"] = instrument->symbol();
  body["interval"] = intervalText;
  body["bars"] = std::move(bars);
  respond(api::http::Response{200, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
}

}  // namespace alphintra::app
