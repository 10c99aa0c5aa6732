// StaticFiles: serves the built web dashboard (web/dist, docs/dashboard.md) at `/` for
// `alphintra serve`.
//
// Rules:
//  * Only GET and HEAD (405 otherwise). The path is percent-decoded once; a decoded path with a
//    NUL, a backslash, or a `.`/`..` segment is refused with 400 before the file system is
//    touched, and the resolved file must still lie under the root after symlinks are followed
//    (a link pointing out of the root is answered 404, as if it did not exist).
//  * `/` and every unknown path without a file extension answer index.html (the single-page
//    app routes on the client, e.g. /admin); an unknown path with an extension, or under
//    /assets/, is a 404 (a missing script must not come back as HTML).
//  * Content type from the extension (text types with charset=utf-8); unknown extensions are
//    application/octet-stream. Vite's content-hashed files under /assets/ are cached for a year
//    as immutable; everything else (index.html first) is `no-cache`, so a rebuilt dashboard is
//    picked up on the next load. Every answer carries `X-Content-Type-Options: nosniff` and a
//    Content-Security-Policy that allows only this origin (nothing is loaded from elsewhere).
//  * No root directory (the dashboard was not built): every dashboard path answers 404 with a
//    page saying how to build it; the API is unaffected.
//
// Threading: immutable after construction; serve() may run on any number of I/O threads at
// once. Files are read from disk on every request (they are small and few; a rebuild of the
// dashboard needs no restart).
// Known limits: no ETag / If-Modified-Since, no ranges, no compression; files over 16 MiB are
// refused (500) rather than read into memory.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "api/http/http_server.hpp"

namespace alphintra::api::http {

// True when `path` belongs to the dashboard rather than to the API: anything outside /api/
// and the operational endpoints (/healthz, /readyz, /metrics).
bool isDashboardPath(std::string_view path);

// The content type for a file name, from its extension ("application/octet-stream" when unknown).
std::string_view contentTypeFor(std::string_view fileName);

class StaticFiles {
 public:
  // `root` is the directory holding index.html; it may be missing (see the file comment).
  explicit StaticFiles(std::filesystem::path root);

  // True when root/index.html exists.
  bool available() const noexcept { return available_; }
  const std::filesystem::path& root() const noexcept { return root_; }

  Response serve(const Request& request) const;

 private:
  Response file(const std::filesystem::path& path, bool head) const;

  std::filesystem::path root_;  // canonical when available
  bool available_ = false;
};

}  // namespace alphintra::api::http
