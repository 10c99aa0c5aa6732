// The TOML parser (Debian's toml++ 3.3, header-only) as every file of the project includes it:
// with its internal assertions off.
//
// toml++ 3.3 asserts a precondition in parse_key() that its caller does not establish: a table
// header whose name starts with a character that can start no key ("[!x]", "[[#x]]") fails the
// assertion and aborts a build without NDEBUG (the debug preset), although the very next lines
// of the parser report the proper error ("expected bare key starting character or string
// delimiter"). With the assertion off, such a file is an ordinary parse error naming its line
// and column in every build (under NDEBUG the library would otherwise turn that assertion into
// an optimizer assumption where the compiler has one: Clang's __builtin_assume). Include this header, never
// <toml++/toml.h> directly, so that every translation unit sees the same definitions of the library's inline functions.
#pragma once

// NDEBUG is set aside while the library is read so that its TOML_ASSERT_ASSUME falls back to
// TOML_ASSERT (off) in every build, instead of Clang's __builtin_assume under NDEBUG. The
// library includes <cassert> only when TOML_ASSERT is undefined, so no assert() of the project
// is switched on by it.
#pragma push_macro("NDEBUG")
#undef NDEBUG
#ifndef TOML_ASSERT
#define TOML_ASSERT(expr) static_assert(true)
#endif
#include <toml++/toml.h>
#pragma pop_macro("NDEBUG")
