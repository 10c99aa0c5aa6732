#include "auth/access_token.hpp"

#include <nlohmann/json.hpp>

namespace alphintra::auth {
namespace {

using json = nlohmann::json;

std::string_view bytesView(const Bytes& b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

}  // namespace

std::string signAccessToken(const Bytes& key, const AccessClaims& claims) {
  const std::string header = base64Url(std::string_view(R"({"alg":"HS256","typ":"JWT"})"));
  json payload;
  payload["sub"] = claims.username;
  payload["ver"] = claims.version;
  payload["iat"] = claims.issuedAt;
  payload["exp"] = claims.expiresAt;
  payload["jti"] = claims.tokenId;
  payload["roles"] = claims.roles;
  const std::string signingInput = header + "." + base64Url(std::string_view(payload.dump()));
  return signingInput + "." + base64Url(hmacSha256(key, signingInput));
}

std::variant<AccessClaims, TokenProblem> verifyAccessToken(const Bytes& key, std::string_view token,
                                                           std::int64_t nowSeconds) {
  const std::size_t firstDot = token.find('.');
  const std::size_t secondDot = firstDot == std::string_view::npos ? firstDot : token.find('.', firstDot + 1);
  if (secondDot == std::string_view::npos || token.find('.', secondDot + 1) != std::string_view::npos) {
    return TokenProblem::Malformed;
  }
  const std::string_view signingInput = token.substr(0, secondDot);
  const auto signature = fromBase64Url(token.substr(secondDot + 1));
  const auto headerBytes = fromBase64Url(token.substr(0, firstDot));
  const auto payloadBytes = fromBase64Url(token.substr(firstDot + 1, secondDot - firstDot - 1));
  if (!signature || !headerBytes || !payloadBytes) return TokenProblem::Malformed;
  const json header = json::parse(bytesView(*headerBytes), nullptr, false);
  if (!header.is_object() || header.value("alg", "") != "HS256") return TokenProblem::Malformed;
  if (!constantTimeEqual(bytesView(hmacSha256(key, signingInput)), bytesView(*signature))) {
    return TokenProblem::BadSignature;
  }
  const json payload = json::parse(bytesView(*payloadBytes), nullptr, false);
  if (!payload.is_object()) return TokenProblem::Malformed;
  AccessClaims claims;
  try {
    claims.username = payload.at("sub").get<std::string>();
    claims.version = payload.at("ver").get<std::uint64_t>();
    claims.issuedAt = payload.at("iat").get<std::int64_t>();
    claims.expiresAt = payload.at("exp").get<std::int64_t>();
    claims.tokenId = payload.value("jti", "");
    if (payload.contains("roles")) claims.roles = payload.at("roles").get<std::vector<std::string>>();
  } catch (const json::exception&) {
    return TokenProblem::Malformed;
  }
  if (nowSeconds >= claims.expiresAt) return TokenProblem::Expired;
  return claims;
}

}  // namespace alphintra::auth
