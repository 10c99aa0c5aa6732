// The driver of a fuzz target when it is not built with libFuzzer (GCC, the CI builds): it runs
// the target over every file of its seed corpus, then over inputs derived from those seeds by
// a seeded generator — bits flipped, bytes replaced by boundary values, ranges deleted,
// duplicated or spliced from another seed, tokens of the target's dictionary inserted. The
// same seed gives the same inputs, so a failure in CI replays on any machine:
//
//   <target>_fuzz CORPUS_DIR [--runs N] [--seed S] [--dict FILE]
//
// Under AddressSanitizer and UndefinedBehaviorSanitizer (the asan preset) a memory error or
// undefined behaviour aborts with the sanitizer's report; the target itself aborts on a broken
// invariant. Before each generated input the driver writes it to `last-input` in the working
// directory, so the input of a crash is on disk for libFuzzer or a debugger to replay.
// With libFuzzer (ALPHINTRA_FUZZ, Clang) this file is not used: libFuzzer's own main guides
// the mutations by coverage (docs/fuzzing.md).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A libFuzzer dictionary: one token per line, `name="text"` or `"text"`, with \xNN, \" and \\.
std::vector<Bytes> readDictionary(const std::filesystem::path& path) {
  std::vector<Bytes> tokens;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    const std::size_t open = line.find('"');
    const std::size_t close = line.rfind('"');
    if (line.empty() || line[0] == '#' || open == std::string::npos || close <= open) continue;
    Bytes token;
    for (std::size_t i = open + 1; i < close; ++i) {
      if (line[i] == '\\' && i + 1 < close) {
        if (line[i + 1] == 'x' && i + 3 < close) {
          token.push_back(static_cast<std::uint8_t>(std::stoi(line.substr(i + 2, 2), nullptr, 16)));
          i += 3;
        } else {
          token.push_back(static_cast<std::uint8_t>(line[i + 1]));
          ++i;
        }
      } else {
        token.push_back(static_cast<std::uint8_t>(line[i]));
      }
    }
    tokens.push_back(std::move(token));
  }
  return tokens;
}

class Mutator {
 public:
  Mutator(std::uint64_t seed, const std::vector<Bytes>& seeds, const std::vector<Bytes>& dictionary)
      : random_(seed), seeds_(seeds), dictionary_(dictionary) {}

  Bytes next() {
    Bytes out = seeds_[below(seeds_.size())];
    const std::size_t rounds = 1 + below(4);
    for (std::size_t r = 0; r < rounds; ++r) mutate(out);
    if (out.size() > kMaxSize) out.resize(kMaxSize);
    return out;
  }

 private:
  static constexpr std::size_t kMaxSize = 64 * 1024;

  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(random_() % n); }

  void mutate(Bytes& b) {
    static constexpr std::uint8_t kInteresting[] = {0, 1, 0x7f, 0x80, 0xff, '0', '9', '-', '.', ',', '"', '\n', '=', 1};
    switch (below(8)) {
      case 0:  // flip a bit
        if (!b.empty()) b[below(b.size())] ^= static_cast<std::uint8_t>(1u << below(8));
        break;
      case 1:  // a boundary byte
        if (!b.empty()) b[below(b.size())] = kInteresting[below(std::size(kInteresting))];
        break;
      case 2: {  // delete a range
        if (b.empty()) break;
        const std::size_t at = below(b.size());
        const std::size_t n = 1 + below(std::min<std::size_t>(16, b.size() - at));
        b.erase(b.begin() + static_cast<std::ptrdiff_t>(at), b.begin() + static_cast<std::ptrdiff_t>(at + n));
        break;
      }
      case 3: {  // duplicate a range
        if (b.empty()) break;
        const std::size_t at = below(b.size());
        const std::size_t n = 1 + below(std::min<std::size_t>(64, b.size() - at));
        const Bytes copy(b.begin() + static_cast<std::ptrdiff_t>(at), b.begin() + static_cast<std::ptrdiff_t>(at + n));
        b.insert(b.begin() + static_cast<std::ptrdiff_t>(below(b.size() + 1)), copy.begin(), copy.end());
        break;
      }
      case 4: {  // splice: the head of this input, the tail of another seed
        const Bytes& other = seeds_[below(seeds_.size())];
        if (other.empty()) break;
        const std::size_t keep = below(b.size() + 1);
        b.resize(keep);
        b.insert(b.end(), other.begin() + static_cast<std::ptrdiff_t>(below(other.size())), other.end());
        break;
      }
      case 5: {  // a dictionary token (or random bytes without a dictionary)
        Bytes token;
        if (!dictionary_.empty()) {
          token = dictionary_[below(dictionary_.size())];
        } else {
          token.resize(1 + below(8));
          for (auto& c : token) c = static_cast<std::uint8_t>(random_());
        }
        b.insert(b.begin() + static_cast<std::ptrdiff_t>(below(b.size() + 1)), token.begin(), token.end());
        break;
      }
      case 6: {  // a run of digits (numbers out of range, long ids)
        const std::size_t n = 1 + below(24);
        Bytes digits(n);
        for (auto& c : digits) c = static_cast<std::uint8_t>('0' + below(10));
        b.insert(b.begin() + static_cast<std::ptrdiff_t>(below(b.size() + 1)), digits.begin(), digits.end());
        break;
      }
      default: {  // swap two bytes
        if (b.size() < 2) break;
        std::swap(b[below(b.size())], b[below(b.size())]);
        break;
      }
    }
  }

  std::mt19937_64 random_;
  const std::vector<Bytes>& seeds_;
  const std::vector<Bytes>& dictionary_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR [--runs N] [--seed S] [--dict FILE]\n", argv[0]);
    return 2;
  }
  const std::filesystem::path corpus = argv[1];
  std::uint64_t runs = 10'000;
  std::uint64_t seed = 1;
  std::filesystem::path dictionaryFile;
  for (int i = 2; i < argc; i += 2) {
    const std::string_view flag = argv[i];
    if (i + 1 == argc) {
      std::fprintf(stderr, "%s needs a value\n", argv[i]);
      return 2;
    }
    if (flag == "--runs") {
      runs = std::stoull(argv[i + 1]);
    } else if (flag == "--seed") {
      seed = std::stoull(argv[i + 1]);
    } else if (flag == "--dict") {
      dictionaryFile = argv[i + 1];
    } else {
      std::fprintf(stderr, "unknown option %s\n", argv[i]);
      return 2;
    }
  }
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(corpus, ec)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  if (ec || files.empty()) {
    std::fprintf(stderr, "%s: no seed inputs (%s)\n", corpus.c_str(), ec ? ec.message().c_str() : "empty");
    return 2;
  }
  std::sort(files.begin(), files.end());  // directory order is not stable across file systems
  std::vector<Bytes> seeds;
  for (const auto& f : files) {
    seeds.push_back(readFile(f));
    LLVMFuzzerTestOneInput(seeds.back().data(), seeds.back().size());
  }
  const std::vector<Bytes> dictionary = dictionaryFile.empty() ? std::vector<Bytes>{} : readDictionary(dictionaryFile);
  Mutator mutator(seed, seeds, dictionary);
  for (std::uint64_t i = 0; i < runs; ++i) {
    const Bytes input = mutator.next();
    {
      std::ofstream last("last-input", std::ios::binary | std::ios::trunc);
      last.write(reinterpret_cast<const char*>(input.data()), static_cast<std::streamsize>(input.size()));
    }
    LLVMFuzzerTestOneInput(input.data(), input.size());
  }
  std::printf("%zu seeds and %llu generated inputs (seed %llu): no failure\n", seeds.size(),
              static_cast<unsigned long long>(runs), static_cast<unsigned long long>(seed));
  return 0;
}
