// The JSON edge: every bad request is answered with the field that was wrong; good requests give
// the same numbers as the C++ calls, with the Greeks named per model; batches keep their order.
#include <gtest/gtest.h>

#include <string>

#include "analytics/json_api.hpp"
#include "analytics/pricing.hpp"

namespace alphintra::analytics {
namespace {

using nlohmann::json;

const json kBsm = json::parse(R"({"model":"bsm","type":"call","style":"european","spot":100,"strike":100,
  "expiry":1.0,"rate":0.05,"dividend":0.02,"volatility":0.2})");

struct Reply {
  bool ok;
  json body;
};

Reply run(JsonCommand command, const std::string& text) {
  const JsonReply reply = handleJsonRequest(command, text);
  return Reply{reply.ok, json::parse(reply.body)};
}

std::string errorField(JsonCommand command, const json& request) {
  const Reply reply = run(command, request.dump());
  EXPECT_FALSE(reply.ok) << request.dump() << " -> " << reply.body.dump();
  if (reply.ok) return "<accepted>";
  EXPECT_EQ(reply.body["error"]["code"], "invalid_request") << reply.body.dump();
  EXPECT_FALSE(reply.body["error"]["message"].get<std::string>().empty());
  return reply.body["error"]["field"].get<std::string>();
}

json with(json request, const std::string& key, json value) {
  request[key] = std::move(value);
  return request;
}

json without(json request, const std::string& key) {
  request.erase(key);
  return request;
}

TEST(JsonPrice, SingleOptionMatchesTheCppCall) {
  const Reply reply = run(JsonCommand::Price, kBsm.dump());
  ASSERT_TRUE(reply.ok) << reply.body.dump();
  OptionSpec spec;
  spec.underlying = 100;
  spec.strike = 100;
  spec.expiry = 1.0;
  spec.rate = 0.05;
  spec.yield = 0.02;
  spec.volatility = 0.2;
  const Valuation v = *price(spec);
  EXPECT_EQ(reply.body["price"].get<double>(), v.price);  // doubles round-trip exactly through JSON
  const json& g = reply.body["greeks"];
  EXPECT_EQ(g["delta"].get<double>(), v.greeks->delta);
  EXPECT_EQ(g["gamma"].get<double>(), v.greeks->gamma);
  EXPECT_EQ(g["vega"].get<double>(), v.greeks->vega);
  EXPECT_EQ(g["theta"].get<double>(), v.greeks->theta);
  EXPECT_EQ(g["rho"].get<double>(), v.greeks->rho);
  EXPECT_EQ(g["dividend_rho"].get<double>(), v.greeks->yieldRho);
  EXPECT_EQ(g["vanna"].get<double>(), v.greeks->vanna);
  EXPECT_EQ(g["volga"].get<double>(), v.greeks->volga);
  EXPECT_EQ(g.size(), 8u);
}

TEST(JsonPrice, GreeksAreNamedPerModel) {
  const Reply black = run(JsonCommand::Price, R"({"model":"black76","type":"put","forward":19,"strike":19,
      "expiry":0.75,"rate":0.1,"volatility":0.28})");
  ASSERT_TRUE(black.ok) << black.body.dump();
  EXPECT_TRUE(black.body["greeks"].contains("rho"));
  EXPECT_FALSE(black.body["greeks"].contains("dividend_rho"));
  EXPECT_EQ(black.body["greeks"].size(), 7u);
  const Reply fx = run(JsonCommand::Price, R"({"model":"garman-kohlhagen","type":"call","spot":1.56,"strike":1.6,
      "expiry":0.5,"domestic_rate":0.06,"foreign_rate":0.08,"volatility":0.12})");
  ASSERT_TRUE(fx.ok) << fx.body.dump();
  EXPECT_TRUE(fx.body["greeks"].contains("rho_domestic"));
  EXPECT_TRUE(fx.body["greeks"].contains("rho_foreign"));
  EXPECT_FALSE(fx.body["greeks"].contains("rho"));
}

TEST(JsonPrice, AmericanOptionsGiveAPriceOnly) {
  json request = with(with(kBsm, "style", "american"), "type", "put");
  const Reply crr = run(JsonCommand::Price, with(request, "steps", 200).dump());
  ASSERT_TRUE(crr.ok) << crr.body.dump();
  EXPECT_FALSE(crr.body.contains("greeks"));
  const Reply baw = run(JsonCommand::Price, with(request, "method", "baw").dump());
  ASSERT_TRUE(baw.ok) << baw.body.dump();
  EXPECT_NEAR(baw.body["price"].get<double>(), crr.body["price"].get<double>(), 0.05);
  const Reply european = run(JsonCommand::Price, with(kBsm, "type", "put").dump());
  EXPECT_GT(crr.body["price"].get<double>(), european.body["price"].get<double>());
}

TEST(JsonPrice, BatchAnswersInOrder) {
  json batch = json::array({kBsm, with(kBsm, "type", "put"), with(kBsm, "spot", 120)});
  const Reply reply = run(JsonCommand::Price, batch.dump());
  ASSERT_TRUE(reply.ok) << reply.body.dump();
  ASSERT_TRUE(reply.body.is_array());
  ASSERT_EQ(reply.body.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(reply.body[i], run(JsonCommand::Price, batch[i].dump()).body) << i;
  }
  EXPECT_EQ(run(JsonCommand::Price, "[]").body, json::array());
}

TEST(JsonPrice, EveryBadRequestNamesItsField) {
  const auto price = JsonCommand::Price;
  EXPECT_EQ(errorField(price, without(kBsm, "model")), "model");
  EXPECT_EQ(errorField(price, with(kBsm, "model", 3)), "model");
  EXPECT_EQ(errorField(price, with(kBsm, "model", "heston")), "model");
  EXPECT_EQ(errorField(price, without(kBsm, "type")), "type");
  EXPECT_EQ(errorField(price, with(kBsm, "type", "straddle")), "type");
  EXPECT_EQ(errorField(price, with(kBsm, "style", "bermudan")), "style");
  EXPECT_EQ(errorField(price, without(kBsm, "spot")), "spot");
  EXPECT_EQ(errorField(price, with(kBsm, "spot", "100")), "spot");
  EXPECT_EQ(errorField(price, with(kBsm, "spot", nullptr)), "spot");
  EXPECT_EQ(errorField(price, with(kBsm, "spot", 0)), "spot");
  EXPECT_EQ(errorField(price, with(kBsm, "strike", -100)), "strike");
  EXPECT_EQ(errorField(price, without(kBsm, "strike")), "strike");
  EXPECT_EQ(errorField(price, with(kBsm, "expiry", 0)), "expiry");
  EXPECT_EQ(errorField(price, with(kBsm, "expiry", -0.5)), "expiry");
  EXPECT_EQ(errorField(price, without(kBsm, "rate")), "rate");
  EXPECT_EQ(errorField(price, with(kBsm, "rate", true)), "rate");
  EXPECT_EQ(errorField(price, with(kBsm, "dividend", json::array())), "dividend");
  EXPECT_EQ(errorField(price, with(kBsm, "volatility", -0.2)), "volatility");
  EXPECT_EQ(errorField(price, with(kBsm, "volatility", 0)), "volatility");
  EXPECT_EQ(errorField(price, without(kBsm, "volatility")), "volatility");
  EXPECT_EQ(errorField(price, with(kBsm, "volatilty", 0.2)), "volatilty");  // a misspelt extra field
  EXPECT_EQ(errorField(price, with(kBsm, "steps", 100)), "steps");          // steps only for american crr
  // Black-76 takes a forward and no dividend.
  json black = with(without(without(kBsm, "spot"), "dividend"), "model", "black76");
  EXPECT_EQ(errorField(price, black), "forward");
  EXPECT_EQ(errorField(price, with(with(black, "forward", 100), "dividend", 0.0)), "dividend");
  EXPECT_EQ(errorField(price, with(black, "forward", -1)), "forward");
  // Garman–Kohlhagen takes both rates by name.
  json fx = with(without(without(kBsm, "rate"), "dividend"), "model", "garman-kohlhagen");
  fx["domestic_rate"] = 0.05;
  EXPECT_EQ(errorField(price, fx), "foreign_rate");
  EXPECT_EQ(errorField(price, with(with(fx, "foreign_rate", 0.01), "rate", 0.05)), "rate");
  // American options.
  json american = with(kBsm, "style", "american");
  EXPECT_EQ(errorField(price, with(american, "method", "lsm")), "method");
  EXPECT_EQ(errorField(price, with(american, "steps", 1.5)), "steps");
  EXPECT_EQ(errorField(price, with(american, "steps", 0)), "steps");
  EXPECT_EQ(errorField(price, with(american, "steps", "100")), "steps");
  EXPECT_EQ(errorField(price, with(american, "steps", 1'000'000)), "steps");
  EXPECT_EQ(errorField(price, with(american, "steps", 18446744073709551615ull)), "steps");
  EXPECT_EQ(errorField(price, with(american, "probability", "jarrow-rudd")), "probability");
  EXPECT_EQ(errorField(price, with(with(american, "method", "baw"), "steps", 10)), "steps");  // not used by baw
  EXPECT_EQ(errorField(price, with(with(with(american, "volatility", 0.01), "rate", 0.5), "steps", 1)), "steps");
  // The request as a whole, and batches.
  EXPECT_EQ(errorField(price, json("call")), "");
  EXPECT_EQ(errorField(price, json::array({kBsm, with(kBsm, "strike", "x")})), "[1].strike");
  EXPECT_EQ(errorField(price, json::array({kBsm, kBsm, 7})), "[2]");
}

TEST(JsonPrice, TextThatIsNotJsonIsInvalidJson) {
  for (const char* text : {"", "{", "{\"model\":}", "nan", "{\"spot\":1e999}"}) {
    const Reply reply = run(JsonCommand::Price, text);
    EXPECT_FALSE(reply.ok);
    EXPECT_EQ(reply.body["error"]["code"], "invalid_json") << text;
    EXPECT_EQ(reply.body["error"]["field"], "") << text;
  }
}

const json kIv = json::parse(R"({"model":"bsm","type":"call","spot":100,"strike":100,"expiry":1.0,"rate":0.05,
  "dividend":0.02,"price":9.227005508154061})");

TEST(JsonImpliedVol, RecoversTheVolatilityOfAPricedOption) {
  const Reply priced = run(JsonCommand::Price, kBsm.dump());
  const Reply reply = run(JsonCommand::ImpliedVol, with(kIv, "price", priced.body["price"]).dump());
  ASSERT_TRUE(reply.ok) << reply.body.dump();
  EXPECT_NEAR(reply.body["volatility"].get<double>(), 0.2, 1e-12);
  EXPECT_GT(reply.body["iterations"].get<int>(), 0);
  const Reply batch = run(JsonCommand::ImpliedVol, json::array({kIv, with(kIv, "type", "put")}).dump());
  ASSERT_TRUE(batch.ok) << batch.body.dump();
  EXPECT_EQ(batch.body.size(), 2u);
}

TEST(JsonImpliedVol, EveryBadRequestNamesItsField) {
  const auto iv = JsonCommand::ImpliedVol;
  EXPECT_EQ(errorField(iv, without(kIv, "price")), "price");
  EXPECT_EQ(errorField(iv, with(kIv, "price", "9.2")), "price");
  EXPECT_EQ(errorField(iv, with(kIv, "price", -1)), "price");
  EXPECT_EQ(errorField(iv, with(kIv, "price", 0)), "price");
  EXPECT_EQ(errorField(iv, with(kIv, "price", 1000)), "price");                   // above the discounted forward
  EXPECT_EQ(errorField(iv, with(with(kIv, "spot", 150), "price", 40)), "price");  // below intrinsic
  EXPECT_EQ(errorField(iv, with(kIv, "volatility", 0.2)), "volatility");          // not an input here
  EXPECT_EQ(errorField(iv, with(kIv, "style", "american")), "style");
  EXPECT_EQ(errorField(iv, with(kIv, "expiry", 0)), "expiry");
  EXPECT_EQ(errorField(iv, json::array({kIv, without(kIv, "price")})), "[1].price");
}

}  // namespace
}  // namespace alphintra::analytics
