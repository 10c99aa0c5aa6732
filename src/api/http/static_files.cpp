// StaticFiles: the dashboard's files from web/dist (see static_files.hpp for the rules).
#include "api/http/static_files.hpp"

#include <array>
#include <fstream>
#include <iterator>
#include <optional>
#include <system_error>
#include <utility>
#include <vector>

namespace alphintra::api::http {
namespace {

constexpr std::uintmax_t kMaxFileBytes = 16u << 20;

// Scripts, styles, fonts and images from this origin only; the API and its WebSocket likewise.
// Styles allow inline attributes: the chart library sizes its canvases through them.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

constexpr std::string_view kNotBuiltPage =
    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Alphintra</title></head>"
    "<body><h1>The dashboard is not built</h1><p>Build it with <code>npm ci &amp;&amp; npm run build</code> in "
    "<code>web/</code> (scripts/run.sh does it), or point <code>alphintra serve --web-dir</code> at a built "
    "<code>dist</code> directory. The REST API under <code>/api/v1</code> is served as usual.</p></body></html>";

struct TypeByExtension {
  std::string_view extension;
  std::string_view type;
};

constexpr std::array<TypeByExtension, 19> kTypes{{
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".map", "application/json"},
    {".webmanifest", "application/manifest+json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".gif", "image/gif"},
    {".webp", "image/webp"},
    {".ico", "image/x-icon"},
    {".woff", "font/woff"},
    {".woff2", "font/woff2"},
    {".ttf", "font/ttf"},
    {".txt", "text/plain; charset=utf-8"},
    {".wasm", "application/wasm"},
}};

bool endsWithIgnoringCase(std::string_view text, std::string_view suffix) {
  if (suffix.size() > text.size()) return false;
  const std::string_view tail = text.substr(text.size() - suffix.size());
  for (std::size_t i = 0; i < suffix.size(); ++i) {
    const char c = tail[i] >= 'A' && tail[i] <= 'Z' ? static_cast<char>(tail[i] - 'A' + 'a') : tail[i];
    if (c != suffix[i]) return false;
  }
  return true;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes once; nullopt for a malformed escape.
std::optional<std::string> percentDecode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out.push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return std::nullopt;
    const int hi = hexValue(in[i + 1]);
    const int lo = hexValue(in[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

// The decoded path split into segments, or nullopt when it tries to leave the root or holds
// bytes no file name here has.
std::optional<std::vector<std::string>> safeSegments(std::string_view decoded) {
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start <= decoded.size()) {
    std::size_t end = decoded.find('/', start);
    if (end == std::string_view::npos) end = decoded.size();
    const std::string_view segment = decoded.substr(start, end - start);
    if (segment == "." || segment == "..") return std::nullopt;
    if (segment.find('\0') != std::string_view::npos || segment.find('\\') != std::string_view::npos)
      return std::nullopt;
    if (!segment.empty()) segments.emplace_back(segment);
    start = end + 1;
  }
  return segments;
}

Response withHeaders(Response r, std::string_view cacheControl) {
  r.headers.emplace_back("Cache-Control", std::string(cacheControl));
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Content-Security-Policy", std::string(kContentSecurityPolicy));
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  return r;
}

bool isUnder(const std::filesystem::path& root, const std::filesystem::path& path) {
  auto r = root.begin();
  auto p = path.begin();
  for (; r != root.end(); ++r, ++p) {
    if (p == path.end() || *p != *r) return false;
  }
  return true;
}

}  // namespace

bool isDashboardPath(std::string_view path) {
  if (path == "/api" || path.starts_with("/api/")) return false;
  return path != "/healthz" && path != "/readyz" && path != "/metrics";
}

std::string_view contentTypeFor(std::string_view fileName) {
  for (const auto& t : kTypes) {
    if (endsWithIgnoringCase(fileName, t.extension)) return t.type;
  }
  return "application/octet-stream";
}

StaticFiles::StaticFiles(std::filesystem::path root) {
  std::error_code ec;
  auto canonical = std::filesystem::canonical(root, ec);
  if (!ec && std::filesystem::is_regular_file(canonical / "index.html", ec)) {
    root_ = std::move(canonical);
    available_ = true;
  } else {
    root_ = std::move(root);
  }
}

Response StaticFiles::serve(const Request& request) const {
  if (request.method != Method::Get && request.method != Method::Head) {
    Response r = errorResponse(405, "method_not_allowed", "the dashboard's files are read with GET or HEAD");
    r.headers.emplace_back("Allow", "GET, HEAD");
    return r;
  }
  const bool head = request.method == Method::Head;
  const auto decoded = percentDecode(request.path);
  if (!decoded) return errorResponse(400, "invalid_request", "the path has a malformed percent escape", "path");
  const auto segments = safeSegments(*decoded);
  if (!segments) return errorResponse(400, "invalid_request", "the path leaves the dashboard's directory", "path");
  if (!available_) {
    Response r{404, std::string(kNotBuiltPage), "text/html; charset=utf-8"};
    if (head) r.body.clear();
    return withHeaders(std::move(r), "no-store");
  }

  std::filesystem::path path = root_;
  for (const auto& s : *segments) path /= s;
  std::error_code ec;
  if (!segments->empty() && std::filesystem::is_regular_file(path, ec)) return file(path, head);

  // Not a file: the single-page app's own routes get index.html, missing files a 404.
  const bool looksLikeFile = !segments->empty() && segments->back().find('.') != std::string::npos;
  const bool underAssets = !segments->empty() && segments->front() == "assets";
  if (looksLikeFile || underAssets) {
    return withHeaders(errorResponse(404, "not_found", "no such file in the dashboard", "path"), "no-store");
  }
  return file(root_ / "index.html", head);
}

Response StaticFiles::file(const std::filesystem::path& path, bool head) const {
  std::error_code ec;
  const auto resolved = std::filesystem::canonical(path, ec);
  if (ec || !isUnder(root_, resolved)) {
    return withHeaders(errorResponse(404, "not_found", "no such file in the dashboard", "path"), "no-store");
  }
  const auto size = std::filesystem::file_size(resolved, ec);
  if (ec || size > kMaxFileBytes) {
    return errorResponse(500, "internal_error", "a dashboard file could not be read");
  }
  Response r;
  r.contentType = std::string(contentTypeFor(resolved.filename().string()));
  if (!head) {
    std::ifstream in(resolved, std::ios::binary);
    r.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (!in && !in.eof()) return errorResponse(500, "internal_error", "a dashboard file could not be read");
  }
  // Vite names the files under assets/ by their content hash: a new build gets new names.
  const auto relative = resolved.lexically_relative(root_);
  const bool hashed = !relative.empty() && *relative.begin() == "assets";
  return withHeaders(std::move(r), hashed ? "public, max-age=31536000, immutable" : "no-cache");
}

}  // namespace alphintra::api::http
