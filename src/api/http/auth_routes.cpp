#include "api/http/auth_routes.hpp"

#include <fmt/format.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "api/http/request_parsing.hpp"

namespace alphintra::api::http {
namespace {

using json = nlohmann::ordered_json;

constexpr std::string_view kAuthPrefix = "/api/v1/auth/";
constexpr std::string_view kUsersPath = "/api/v1/admin/users";
constexpr std::string_view kApiKeysPath = "/api/v1/admin/api-keys";

std::string_view methodName(Method m) {
  switch (m) {
    case Method::Get: return "GET";
    case Method::Post: return "POST";
    case Method::Put: return "PUT";
    case Method::Patch: return "PATCH";
    case Method::Delete: return "DELETE";
    case Method::Head: return "HEAD";
    case Method::Options: return "OPTIONS";
    case Method::Other: break;
  }
  return "OTHER";
}

Response ok(unsigned status, const json& body) {
  return Response{status, body.dump(-1, ' ', false, json::error_handler_t::replace)};
}

json principalJson(const auth::Principal& p) {
  json j;
  j["username"] = p.username;
  json roles = json::array();
  for (auth::Role r : p.roles) roles.push_back(std::string(auth::toString(r)));
  j["roles"] = std::move(roles);
  json accounts = json::array();
  for (AccountId a : p.accounts) accounts.push_back(a.value());
  j["accounts"] = std::move(accounts);
  return j;
}

json userJson(const auth::UserInfo& u) {
  json j = principalJson(u.principal);
  j["mfa"] = u.mfa;
  j["disabled"] = u.disabled;
  return j;
}

json tokensJson(const auth::Tokens& t) {
  json j;
  j["access_token"] = t.accessToken;
  j["refresh_token"] = t.refreshToken;
  j["expires_in"] = t.expiresIn;
  j["token_type"] = "Bearer";
  j["user"] = principalJson(t.user);
  return j;
}

// Reads the members of a JSON object strictly: each must be known and of its type.
class Members {
 public:
  explicit Members(const json& body) : body_(body) {}

  std::optional<Error> onlyKnown(std::initializer_list<std::string_view> known) const {
    for (const auto& [key, value] : body_.items()) {
      bool found = false;
      for (std::string_view k : known) found = found || k == key;
      if (!found) {
        std::string list;
        for (std::string_view k : known) list += (list.empty() ? "" : ", ") + std::string(k);
        return makeError(key, fmt::format("unknown field \"{}\"; expected {}", key, list));
      }
    }
    return std::nullopt;
  }
  Result<std::optional<std::string>> text(std::string_view name, bool required) const {
    const auto it = body_.find(name);
    if (it == body_.end()) {
      if (required) return makeError(std::string(name), fmt::format("{} is required", name));
      return std::optional<std::string>{};
    }
    if (!it->is_string()) return makeError(std::string(name), fmt::format("{} must be a string", name));
    return std::optional<std::string>{it->get<std::string>()};
  }
  Result<std::optional<bool>> boolean(std::string_view name) const {
    const auto it = body_.find(name);
    if (it == body_.end()) return std::optional<bool>{};
    if (!it->is_boolean()) return makeError(std::string(name), fmt::format("{} must be true or false", name));
    return std::optional<bool>{it->get<bool>()};
  }
  Result<std::optional<std::vector<auth::Role>>> roles(bool required) const {
    const auto it = body_.find("roles");
    if (it == body_.end()) {
      if (required) return makeError("roles", "roles is required");
      return std::optional<std::vector<auth::Role>>{};
    }
    if (!it->is_array()) return makeError("roles", "roles must be an array of role names");
    std::vector<auth::Role> out;
    for (const json& r : *it) {
      const auto role = r.is_string() ? auth::parseRole(r.get<std::string>()) : std::nullopt;
      if (!role) return makeError("roles", "a role is one of admin, trader, risk_officer, viewer");
      out.push_back(*role);
    }
    return std::optional<std::vector<auth::Role>>{std::move(out)};
  }
  Result<std::optional<std::vector<AccountId>>> accounts() const {
    const auto it = body_.find("accounts");
    if (it == body_.end()) return std::optional<std::vector<AccountId>>{};
    if (!it->is_array()) return makeError("accounts", "accounts must be an array of account ids");
    std::vector<AccountId> out;
    for (const json& a : *it) {
      if (!a.is_number_unsigned() || a.get<std::uint64_t>() == 0) {
        return makeError("accounts", "an account id is a positive integer");
      }
      out.emplace_back(a.get<std::uint64_t>());
    }
    return std::optional<std::vector<AccountId>>{std::move(out)};
  }

 private:
  const json& body_;
};

}  // namespace

Response deniedResponse(const auth::Denied& d) {
  using auth::Denial;
  unsigned status = 401;
  std::string_view code = "unauthorized";
  switch (d.denial) {
    case Denial::InvalidCredentials: code = "invalid_credentials"; break;
    case Denial::MfaRequired: code = "mfa_required"; break;
    case Denial::InvalidMfa: code = "invalid_mfa_token"; break;
    case Denial::TooManyAttempts: status = 429, code = "too_many_attempts"; break;
    case Denial::Unauthorized: code = "unauthorized"; break;
    case Denial::TokenExpired: code = "token_expired"; break;
    case Denial::InvalidRequest: status = 400, code = "invalid_request"; break;
    case Denial::NotFound: status = 404, code = "not_found"; break;
    case Denial::Conflict: status = 409, code = "conflict"; break;
    case Denial::Internal: status = 500, code = "internal_error"; break;
  }
  Response r = errorResponse(status, code, d.message, d.field);
  if (d.retryAfterSeconds > 0) r.headers.emplace_back("Retry-After", std::to_string(d.retryAfterSeconds));
  if (status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer");
  return r;
}

Response forbidden(std::string_view message, std::string_view field) {
  return errorResponse(403, "forbidden", message, field);
}

AuthRoutes::AuthRoutes(auth::AuthService& service, Clock clock) : service_(service), clock_(std::move(clock)) {}

std::int64_t AuthRoutes::nowMillis() const {
  if (clock_) return clock_();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool AuthRoutes::handlePublic(const Request& request, Respond& respond) {
  const std::string_view path = request.path;
  if (!path.starts_with(kAuthPrefix)) return false;
  const std::string_view name = path.substr(kAuthPrefix.size());
  if (name != "login" && name != "refresh" && name != "logout") return false;
  if (request.method != Method::Post) {
    respond(errorResponse(405, "method_not_allowed", fmt::format("{} allows POST", path)));
    return true;
  }
  if (name == "login") login(request, respond);
  if (name == "refresh") refresh(request, respond);
  if (name == "logout") logout(request, respond);
  return true;
}

void AuthRoutes::login(const Request& request, Respond& respond) {
  auto body = parseBodyObject(request.body);
  if (!body.ok()) return respond(badRequest(body.error()));
  const Members m(body.value());
  if (auto e = m.onlyKnown({"username", "password", "mfa_token"})) return respond(badRequest(*e));
  auto username = m.text("username", true);
  if (!username.ok()) return respond(badRequest(username.error()));
  auto password = m.text("password", true);
  if (!password.ok()) return respond(badRequest(password.error()));
  auto mfa = m.text("mfa_token", false);
  if (!mfa.ok()) return respond(badRequest(mfa.error()));
  const auto result =
      service_.login(*username.value(), *password.value(), mfa.value().value_or(""), request.peer, nowMillis() / 1000);
  if (const auto* d = std::get_if<auth::Denied>(&result)) return respond(deniedResponse(*d));
  respond(ok(200, tokensJson(std::get<auth::Tokens>(result))));
}

void AuthRoutes::refresh(const Request& request, Respond& respond) {
  auto body = parseBodyObject(request.body);
  if (!body.ok()) return respond(badRequest(body.error()));
  const Members m(body.value());
  if (auto e = m.onlyKnown({"refresh_token"})) return respond(badRequest(*e));
  auto token = m.text("refresh_token", true);
  if (!token.ok()) return respond(badRequest(token.error()));
  const auto result = service_.refresh(*token.value(), nowMillis() / 1000);
  if (const auto* d = std::get_if<auth::Denied>(&result)) return respond(deniedResponse(*d));
  respond(ok(200, tokensJson(std::get<auth::Tokens>(result))));
}

void AuthRoutes::logout(const Request& request, Respond& respond) {
  auto body = parseBodyObject(request.body);
  if (!body.ok()) return respond(badRequest(body.error()));
  const Members m(body.value());
  if (auto e = m.onlyKnown({"refresh_token"})) return respond(badRequest(*e));
  auto token = m.text("refresh_token", true);
  if (!token.ok()) return respond(badRequest(token.error()));
  service_.logout(*token.value());
  respond(Response{204, ""});
}

std::optional<auth::Principal> AuthRoutes::authorize(const Request& request, Respond& respond) {
  const std::string_view authorization = request.header("authorization");
  if (!authorization.empty()) {
    constexpr std::string_view kBearer = "Bearer ";
    if (!authorization.starts_with(kBearer)) {
      respond(deniedResponse(auth::Denied{auth::Denial::Unauthorized, "Authorization",
                                          "the Authorization header must be \"Bearer <access token>\"", 0}));
      return std::nullopt;
    }
    auto result = service_.verifyAccess(authorization.substr(kBearer.size()), nowMillis() / 1000);
    if (const auto* d = std::get_if<auth::Denied>(&result)) {
      respond(deniedResponse(*d));
      return std::nullopt;
    }
    return std::get<auth::Principal>(std::move(result));
  }
  const std::string_view keyId = request.header("x-api-key");
  if (!keyId.empty()) {
    const std::string target = request.query.empty() ? request.path : request.path + "?" + request.query;
    const auth::SignedRequest signedRequest{keyId,
                                            request.header("x-api-timestamp"),
                                            request.header("x-api-signature"),
                                            methodName(request.method),
                                            target,
                                            request.body};
    auto result = service_.verifySigned(signedRequest, nowMillis());
    if (const auto* d = std::get_if<auth::Denied>(&result)) {
      respond(deniedResponse(*d));
      return std::nullopt;
    }
    return std::get<auth::Principal>(std::move(result));
  }
  respond(deniedResponse(auth::Denied{auth::Denial::Unauthorized, "Authorization",
                                      "log in first: send \"Authorization: Bearer <access token>\" "
                                      "(POST /api/v1/auth/login) or sign the request with an API key",
                                      0}));
  return std::nullopt;
}

void AuthRoutes::me(const auth::Principal& principal, Respond& respond) { respond(ok(200, principalJson(principal))); }

bool AuthRoutes::handleAdmin(const Request& request, Respond& respond) {
  const std::string_view path = request.path;
  for (const std::string_view base : {kUsersPath, kApiKeysPath}) {
    if (!path.starts_with(base)) continue;
    std::string_view rest = path.substr(base.size());
    if (!rest.empty() && rest.front() != '/') continue;
    if (!rest.empty()) rest.remove_prefix(1);
    if (base == kUsersPath) {
      users(request, rest, respond);
    } else {
      apiKeys(request, rest, respond);
    }
    return true;
  }
  return false;
}

void AuthRoutes::users(const Request& request, std::string_view rest, Respond& respond) {
  const Method m = request.method;
  if (rest.empty()) {
    if (m == Method::Get) {
      json list = json::array();
      for (const auth::UserInfo& u : service_.users()) list.push_back(userJson(u));
      json body;
      body["users"] = std::move(list);
      return respond(ok(200, body));
    }
    if (m != Method::Post)
      return respond(errorResponse(405, "method_not_allowed", "/api/v1/admin/users allows GET, POST"));
    auto body = parseBodyObject(request.body);
    if (!body.ok()) return respond(badRequest(body.error()));
    const Members mm(body.value());
    if (auto e = mm.onlyKnown({"username", "password", "roles", "accounts"})) return respond(badRequest(*e));
    auto username = mm.text("username", true);
    if (!username.ok()) return respond(badRequest(username.error()));
    auto password = mm.text("password", true);
    if (!password.ok()) return respond(badRequest(password.error()));
    auto roles = mm.roles(true);
    if (!roles.ok()) return respond(badRequest(roles.error()));
    auto accounts = mm.accounts();
    if (!accounts.ok()) return respond(badRequest(accounts.error()));
    const auto result = service_.createUser(auth::NewUser{*username.value(), *password.value(), *roles.value(),
                                                          accounts.value().value_or(std::vector<AccountId>{})});
    if (const auto* d = std::get_if<auth::Denied>(&result)) return respond(deniedResponse(*d));
    return respond(ok(201, userJson(std::get<auth::UserInfo>(result))));
  }
  const std::size_t slash = rest.find('/');
  const auto username = percentDecode(rest.substr(0, slash), false);
  if (!username) return respond(errorResponse(400, "invalid_request", "malformed %-escape", "username"));
  const std::string_view sub = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
  if (sub == "mfa") {
    if (m == Method::Post) {
      const auto result = service_.enableMfa(*username);
      if (const auto* d = std::get_if<auth::Denied>(&result)) return respond(deniedResponse(*d));
      const auto& enrollment = std::get<auth::MfaEnrollment>(result);
      json body;
      body["secret"] = enrollment.secret;
      body["otpauth_uri"] = enrollment.uri;
      return respond(ok(200, body));
    }
    if (m == Method::Delete) {
      const auto result = service_.disableMfa(*username);
      if (const auto* d = std::get_if<auth::Denied>(&result)) return respond(deniedResponse(*d));
      return respond(Response{204, ""});
    }
    return respond(errorResponse(405, "method_not_allowed", "the mfa route allows POST, DELETE"));
  }
  if (!sub.empty()) return respond(errorResponse(404, "not_found", "no such admin route"));
  if (m == Method::Get) {
    const auto user = service_.user(*username);
    if (!user) return respond(errorResponse(404, "not_found", fmt::format("no user {}", *username), "username"));
    return respond(ok(200, userJson(*user)));
  }
  if (m == Method::Delete) {
    const auto result = service_.deleteUser(*username);
    if (const auto* d = std::get_if<auth::Denied>(&result)) return respond(deniedResponse(*d));
    return respond(Response{204, ""});
  }
  if (m != Method::Patch) return respond(errorResponse(405, "method_not_allowed", "a user allows GET, PATCH, DELETE"));
  auto body = parseBodyObject(request.body);
  if (!body.ok()) return respond(badRequest(body.error()));
  const Members mm(body.value());
  if (auto e = mm.onlyKnown({"password", "roles", "accounts", "disabled"})) return respond(badRequest(*e));
  auth::UserUpdate update;
  auto roles = mm.roles(false);
  if (!roles.ok()) return respond(badRequest(roles.error()));
  update.roles = roles.value();
  auto accounts = mm.accounts();
  if (!accounts.ok()) return respond(badRequest(accounts.error()));
  update.accounts = accounts.value();
  auto password = mm.text("password", false);
  if (!password.ok()) return respond(badRequest(password.error()));
  update.password = password.value();
  auto disabled = mm.boolean("disabled");
  if (!disabled.ok()) return respond(badRequest(disabled.error()));
  update.disabled = disabled.value();
  const auto result = service_.updateUser(*username, update);
  if (const auto* d = std::get_if<auth::Denied>(&result)) return respond(deniedResponse(*d));
  respond(ok(200, userJson(std::get<auth::UserInfo>(result))));
}

void AuthRoutes::apiKeys(const Request& request, std::string_view rest, Respond& respond) {
  const Method m = request.method;
  if (rest.empty()) {
    if (m == Method::Get) {
      json list = json::array();
      for (const auth::ApiKeyInfo& k : service_.apiKeys()) {
        json j;
        j["keyId"] = k.keyId;
        j["username"] = k.username;
        j["label"] = k.label;
        j["created"] = k.created;
        list.push_back(std::move(j));
      }
      json body;
      body["keys"] = std::move(list);
      return respond(ok(200, body));
    }
    if (m != Method::Post)
      return respond(errorResponse(405, "method_not_allowed", "/api/v1/admin/api-keys allows GET, POST"));
    auto body = parseBodyObject(request.body);
    if (!body.ok()) return respond(badRequest(body.error()));
    const Members mm(body.value());
    if (auto e = mm.onlyKnown({"username", "label"})) return respond(badRequest(*e));
    auto username = mm.text("username", true);
    if (!username.ok()) return respond(badRequest(username.error()));
    auto label = mm.text("label", false);
    if (!label.ok()) return respond(badRequest(label.error()));
    const auto result = service_.createApiKey(*username.value(), label.value().value_or(""), nowMillis() / 1000);
    if (const auto* d = std::get_if<auth::Denied>(&result)) return respond(deniedResponse(*d));
    const auto& key = std::get<auth::NewApiKey>(result);
    json out;
    out["keyId"] = key.keyId;
    out["secret"] = key.secret;
    return respond(ok(201, out));
  }
  if (m != Method::Delete) return respond(errorResponse(405, "method_not_allowed", "an API key allows DELETE"));
  const auto result = service_.deleteApiKey(rest);
  if (const auto* d = std::get_if<auth::Denied>(&result)) return respond(deniedResponse(*d));
  respond(Response{204, ""});
}

}  // namespace alphintra::api::http
