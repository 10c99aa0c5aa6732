// Fuzz target: the REST routes (RestApi without sockets, as its unit tests drive it) in front
// of a real engine, and the WebSocket requests.
//
// The input is lines. "METHOD PATH[?QUERY] BODY" is one request (METHOD: GET, POST, PUT, PATCH,
// DELETE or anything else; BODY: the rest of the line). "WS TEXT" is one WebSocket request
// frame. Authentication is on (a fresh in-memory user database per input, with `admin`):
// requests carry an admin access token unless the line starts with "NOAUTH ", so that the
// login, refresh, user, API-key and MFA routes are reached with and without credentials. After
// each HTTP request the commands it submitted are applied to the engine and the
// engine's events go back to RestApi, as the publisher hands them over; the account views
// inspect the engine directly. Whatever the input: no crash, every request is answered (once),
// never with 500, and every JSON answer is JSON.
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "api/directory.hpp"
#include "api/http/read_model.hpp"
#include "api/http/rest_api.hpp"
#include "api/http/websocket_protocol.hpp"
#include "api/json_commands.hpp"
#include "auth/auth_service.hpp"
#include "engine/engine.hpp"
#include "fuzz/fuzz_input.hpp"

namespace {

using namespace alphintra;
using namespace alphintra::api::http;

[[noreturn]] void fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "rest_api_fuzz: %s: %.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

Method methodOf(std::string_view m) {
  if (m == "GET") return Method::Get;
  if (m == "POST") return Method::Post;
  if (m == "PUT") return Method::Put;
  if (m == "PATCH") return Method::Patch;
  if (m == "DELETE") return Method::Delete;
  if (m == "HEAD") return Method::Head;
  return Method::Other;
}

class Harness {
 public:
  Harness()
      : readModel_([](AccountId a) { return a.value() < 1'000'000; }),
        api_(
            directory_, readModel_,
            [this](const engine::Command& c) {
              pending_.push_back(c);
              return true;
            },
            RestOptions{3, std::chrono::milliseconds{60'000}, {}}) {
    engine_ = std::make_unique<engine::Engine>(alphintra::fuzz::smallEngine());
    readModel_.useDirectory(directory_);
    api_.setInspect([this](std::function<void(const engine::Engine&)> query) {
      query(*engine_);
      return true;
    });
    api_.setInstrumentListed([](const Instrument&, Price, bool) {});
    for (
        const char* line : {
            R"({"type":"define_instrument","instrument":1,"symbol":"AAPL","venue":"SIM","assetClass":"equity","currency":"USD","pricePrecision":2,"quantityPrecision":0,"tickSize":"0.01","lotSize":"1"})",
            R"({"type":"define_instrument","instrument":2,"symbol":"BTC/USD","venue":"SIM","assetClass":"crypto","currency":"USD","pricePrecision":2,"quantityPrecision":4,"tickSize":"0.01","lotSize":"0.0001"})",
            R"({"type":"define_instrument","instrument":3,"symbol":"ES","venue":"SIM","assetClass":"future","currency":"USD","pricePrecision":2,"quantityPrecision":0,"tickSize":"0.25","lotSize":"1","multiplier":"50"})",
            R"({"type":"open_account","account":1,"currency":"USD","accountType":"margin"})",
            R"({"type":"open_account","account":2,"currency":"USD","accountType":"cash"})",
            R"({"type":"adjust_cash","account":1,"currency":"USD","amount":"1000000.00"})",
            R"({"type":"adjust_cash","account":2,"currency":"USD","amount":"1000000.00"})",
            R"({"type":"market_data","symbol":"AAPL","bid":"150.00","ask":"150.10","last":"150.05"})",
            R"({"type":"new_order","account":2,"symbol":"AAPL","clientOrderId":"m-1","side":"buy","quantity":"500","price":"150.00"})",
        }) {
      auto c = api::parseCommand(line, directory_, 9);
      if (!c) fail("a setup line was refused", line);
      if (c.value().type() == engine::CommandType::DefineInstrument) {
        readModel_.addInstrument(*directory_.instrument(c.value().body.defineInstrument.instrument));
      }
      pending_.push_back(c.value());
      apply();
    }
    auth::AuthOptions authOptions;
    authOptions.database = ":memory:";
    authOptions.hashCost = auth::HashCost::Minimal;
    auto service = auth::AuthService::open(authOptions);
    if (!service) fail("the user database does not open", service.error().message);
    auth_ = std::move(service).value();
    if (!auth_->ensureAdmin(std::string(kAdminPassword)).ok()) fail("no admin", "");
    const auto tokens = auth_->login("admin", kAdminPassword, "", "127.0.0.1", nowSeconds());
    const auto* t = std::get_if<auth::Tokens>(&tokens);
    if (t == nullptr) fail("the admin cannot log in", "");
    bearer_ = "Bearer " + t->accessToken;
    api_.enableAuth(*auth_);
    api_.setReady(true);
  }

  static constexpr const char* kAdminPassword = "fuzz-admin-password-1";

  static std::int64_t nowSeconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  void line(std::string_view text) {
    if (text.starts_with("WS ")) {
      const auto parsed = parseWsRequest(text.substr(3));
      if (const auto* error = std::get_if<WsError>(&parsed)) checkJson(wsError(*error), text);
      return;
    }
    const bool anonymous = text.starts_with("NOAUTH ");
    if (anonymous) text.remove_prefix(7);
    const std::size_t space = text.find(' ');
    Request request;
    request.method = methodOf(text.substr(0, space));
    std::string_view rest = space == std::string_view::npos ? std::string_view{} : text.substr(space + 1);
    const std::size_t pathEnd = rest.find(' ');
    std::string_view target = rest.substr(0, pathEnd);
    request.body = pathEnd == std::string_view::npos ? std::string{} : std::string(rest.substr(pathEnd + 1));
    const std::size_t question = target.find('?');
    request.path = std::string(target.substr(0, question));
    if (question != std::string_view::npos) request.query = std::string(target.substr(question + 1));
    request.contentType = "application/json";
    request.peer = "127.0.0.1";
    if (!anonymous) request.headers.emplace_back("authorization", bearer_);

    int answers = 0;
    Response answer;
    api_.handle(std::move(request), [&](Response r) {
      ++answers;
      answer = std::move(r);
    });
    apply();
    if (trace_) std::fprintf(stderr, "%u %.200s\n", answer.status, answer.body.c_str());
    if (answers != 1) fail(answers == 0 ? "a request was not answered" : "a request was answered twice", text);
    if (answer.status == 500 || answer.status < 200 || answer.status > 599) fail("a request was answered 500", text);
    if (answer.contentType == "application/json" && answer.status != 204) checkJson(answer.body, text);
  }

 private:
  static void checkJson(const std::string& body, std::string_view request) {
    if (!nlohmann::json::accept(body)) fail("an answer that is not JSON", request);
  }

  // The engine applies what was submitted; its events go to RestApi as the publisher's.
  void apply() {
    for (std::size_t i = 0; i < pending_.size(); ++i) {
      engine::Command c = pending_[i];
      c.header.sequence = ++sequence_;
      time_ = time_ + 1'000'000;
      c.header.time = time_;
      events_.clear();
      engine_->apply(c, events_);
      for (const engine::EngineEvent& e : events_) api_.onEvent(e);
    }
    pending_.clear();
  }

  const bool trace_ = std::getenv("FUZZ_TRACE") != nullptr;  // each answer on stderr
  std::unique_ptr<auth::AuthService> auth_;                  // before api_: RestApi keeps a reference
  std::string bearer_;
  api::Directory directory_;
  ReadModel readModel_;
  RestApi api_;
  std::unique_ptr<engine::Engine> engine_;
  std::vector<engine::Command> pending_;
  std::vector<engine::EngineEvent> events_;
  std::uint64_t sequence_ = 0;
  Timestamp time_{1'700'000'000'000'000'000};
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Harness h;
  for (const std::string_view line : alphintra::fuzz::lines(data, size)) h.line(line);
  return 0;
}
