// Fuzz target: one FIX 4.4 connection's inbound bytes, through the acceptor's framing, the
// session layer and the order entry, into a real engine whose reports come back out as FIX.
//
// The input is lines. A line is a message's fields with '|' for SOH ("35=D|49=CL|56=US|34=2|
// 52=20231114-22:13:20.000|11=C1|..."): the target adds BeginString, BodyLength and CheckSum, so
// that generated inputs reach the session and the order entry instead of stopping at the frame
// check. A line starting with '!' is sent as it is (with '|' for SOH): bad frames, checksums,
// lengths and BeginStrings. The connection is handled as FixGateway's is (a first message that
// is not a Logon closes it). Each line moves the clock 250 ms and runs the sessions' timers
// (heartbeats, test requests, logout timeouts). Every command the order entry submits is applied
// to the engine and every event goes back to the order entry, as the publisher would; a drop
// copy is logged on throughout. Whatever the input: no crash, and every message the sessions
// write is a whole frame with the right BodyLength and CheckSum that parses.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/directory.hpp"
#include "api/fix/fix_codec.hpp"
#include "api/fix/fix_order_entry.hpp"
#include "api/fix/fix_session.hpp"
#include "api/fix/fix_store.hpp"
#include "api/json_commands.hpp"
#include "engine/engine.hpp"
#include "fuzz/fuzz_input.hpp"

namespace {

using namespace alphintra;
using namespace alphintra::api::fix;

constexpr std::int64_t kT0 = 1'700'000'000'000'000'000;  // 20231114-22:13:20.000

[[noreturn]] void fail(const char* what, std::string_view message) {
  std::fprintf(stderr, "fix_session_fuzz: %s: %.*s\n", what, static_cast<int>(message.size()), message.data());
  std::abort();
}

// What a session writes must be whole, valid frames: checked here, then dropped (printed with
// '|' for SOH when FUZZ_TRACE is set, to see how far a seed gets).
struct CheckedOutput final : SessionOutput {
  bool closed = false;
  const bool trace = std::getenv("FUZZ_TRACE") != nullptr;
  void write(std::string_view bytes) override {
    if (trace) {
      std::string shown(bytes);
      for (char& c : shown) {
        if (c == '\x01') c = '|';
      }
      std::fprintf(stderr, "out: %s\n", shown.c_str());
    }
    while (!bytes.empty()) {
      const Frame f = frame(bytes);
      if (f.status != FrameStatus::Complete) fail("the session wrote a message that does not frame", bytes);
      MessageView v;
      if (!v.parse(bytes.substr(0, f.length)) || v.msgType().empty())
        fail("the session wrote a message that does not parse", bytes);
      bytes.remove_prefix(f.length);
    }
  }
  void close() override { closed = true; }
};

std::string framed(std::string_view fields) {
  std::string body(fields);
  for (char& c : body) {
    if (c == '|') c = '\x01';
  }
  if (body.empty() || body.back() != '\x01') body.push_back('\x01');
  std::string m =
      "8=FIX.4.4\x01"
      "9=" +
      std::to_string(body.size()) + "\x01" + body;
  char trailer[8];
  std::snprintf(trailer, sizeof trailer, "10=%03u\x01", static_cast<unsigned>(checksum(m)));
  return m + trailer;
}

class Harness {
 public:
  Harness() : entry_(directory_, 4, [this](const engine::Command& c) { return submit(c); }) {
    engine_ = std::make_unique<engine::Engine>(alphintra::fuzz::smallEngine());
    for (
        const char* line : {
            R"({"type":"define_instrument","instrument":7,"symbol":"AAPL","venue":"SIM","assetClass":"equity","currency":"USD","pricePrecision":2,"quantityPrecision":0,"tickSize":"0.01","lotSize":"1"})",
            R"({"type":"define_instrument","instrument":8,"symbol":"ES","venue":"SIM","assetClass":"future","currency":"USD","pricePrecision":2,"quantityPrecision":0,"tickSize":"0.25","lotSize":"1","multiplier":"50"})",
            R"({"type":"open_account","account":1,"currency":"USD","accountType":"margin"})",
            R"({"type":"open_account","account":2,"currency":"USD","accountType":"margin"})",
            R"({"type":"adjust_cash","account":1,"currency":"USD","amount":"1000000.00"})",
            R"({"type":"adjust_cash","account":2,"currency":"USD","amount":"1000000.00"})",
            R"({"type":"market_data","symbol":"AAPL","bid":"150.00","ask":"150.10","last":"150.05"})",
            R"({"type":"new_order","account":2,"symbol":"AAPL","clientOrderId":"m-1","side":"sell","quantity":"500","price":"150.10"})",
            R"({"type":"new_order","account":2,"symbol":"AAPL","clientOrderId":"m-2","side":"buy","quantity":"500","price":"150.00"})",
        }) {
      auto c = api::parseCommand(line, directory_, 9);
      if (!c) fail("a setup line was refused", line);
      submit(c.value());
    }
    trade_ = open("CL", AccountId{1}, false);
    drop_ = open("DC", AccountId{0}, true);
    // The drop copy logs on for the whole run.
    const std::string logon = framed("35=A|49=DC|56=US|34=1|52=20231114-22:13:20.000|98=0|108=30");
    MessageView v;
    v.parse(logon);
    drop_->session->onLogon(dropOutput_, v, now_);
    apply();
  }

  void line(std::string_view text) {
    now_ += 250'000'000;
    if (!text.empty() && text[0] == '!') {
      std::string raw(text.substr(1));
      for (char& c : raw) {
        if (c == '|') c = '\x01';
      }
      in_ += raw;
    } else {
      in_ += framed(text);
    }
    process();
    trade_->session->onTimer(now_);
    drop_->session->onTimer(now_);
    apply();
  }

  void end() {
    if (trade_->session->connected()) trade_->session->onDisconnect();
    drop_->session->onDisconnect();
  }

 private:
  struct Party {
    std::unique_ptr<SessionStore> store;
    std::unique_ptr<Session> session;
  };

  std::unique_ptr<Party> open(const char* sender, AccountId account, bool dropCopy) {
    auto p = std::make_unique<Party>();
    p->store = std::move(SessionStore::open("")).value();
    FixSessionConfig config{sender, "US", account, ""};
    config.dropCopy = dropCopy;
    p->session = std::make_unique<Session>(config, *p->store, entry_);
    entry_.addSession(*p->session);
    return p;
  }

  bool submit(const engine::Command& c) {
    pending_.push_back(c);
    return true;
  }

  // The engine applies what was submitted; its events go back to the order entry.
  void apply() {
    for (std::size_t i = 0; i < pending_.size(); ++i) {
      engine::Command c = pending_[i];
      c.header.sequence = ++sequence_;
      c.header.time = Timestamp(now_);
      events_.clear();
      engine_->apply(c, events_);
      for (const engine::EngineEvent& e : events_) entry_.onEvent(e, now_);
    }
    pending_.clear();
  }

  // FixGateway's Connection::process.
  void process() {
    std::size_t pos = 0;
    while (!closed_ && pos < in_.size()) {
      const std::string_view bytes = std::string_view(in_).substr(pos);
      const Frame f = frame(bytes);
      if (f.status == FrameStatus::NeedMore) break;
      if (f.status == FrameStatus::Garbled) {
        if (f.length == 0) fail("a garbled frame of no bytes", bytes);
        if (logged_) trade_->session->onGarbled(f.garble);
        pos += f.length;
        continue;
      }
      if (f.status == FrameStatus::WrongBeginString) {
        if (logged_) {
          trade_->session->onWrongBeginString(now_);
        } else {
          closed_ = true;
        }
        break;
      }
      view_.parse(bytes.substr(0, f.length));
      pos += f.length;
      if (!logged_) {
        if (view_.msgType() != "A" || view_.get(tag::SenderCompID).value_or("") != "CL" ||
            view_.get(tag::TargetCompID).value_or("") != "US") {
          closed_ = true;
          break;
        }
        trade_->session->onLogon(output_, view_, now_);
        logged_ = trade_->session->connected();
        if (!logged_) closed_ = true;
      } else {
        trade_->session->onMessage(view_, now_);
      }
      if (output_.closed) closed_ = true;
    }
    in_.erase(0, pos);
    if (closed_) in_.clear();
  }

  api::Directory directory_;
  OrderEntry entry_;
  std::unique_ptr<engine::Engine> engine_;
  std::unique_ptr<Party> trade_;
  std::unique_ptr<Party> drop_;
  CheckedOutput output_;
  CheckedOutput dropOutput_;
  std::vector<engine::Command> pending_;
  std::vector<engine::EngineEvent> events_;
  std::uint64_t sequence_ = 0;
  std::int64_t now_ = kT0;
  std::string in_;
  MessageView view_;
  bool logged_ = false;
  bool closed_ = false;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Harness h;
  for (const std::string_view line : alphintra::fuzz::lines(data, size)) h.line(line);
  h.end();
  return 0;
}
