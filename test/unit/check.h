/* Minimal assertion helpers for unit tests: each failed check prints where
 * and what, and marks the test failed; main() returns mt_check_status(). */
#pragma once

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int mt_check_failures;

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
		mt_check_failures++; \
	} } while (0)

#define CHECK_INT(actual, expected) do { \
	long long a_ = (long long)(actual), e_ = (long long)(expected); \
	if (a_ != e_) { \
		fprintf(stderr, "%s:%d: %s == %lld, expected %lld\n", __FILE__, __LINE__, #actual, a_, e_); \
		mt_check_failures++; \
	} } while (0)

#define CHECK_U64(actual, expected) do { \
	uint64_t a_ = (uint64_t)(actual), e_ = (uint64_t)(expected); \
	if (a_ != e_) { \
		fprintf(stderr, "%s:%d: %s == %" PRIu64 ", expected %" PRIu64 "\n", __FILE__, __LINE__, #actual, a_, e_); \
		mt_check_failures++; \
	} } while (0)

#define CHECK_STR(actual, expected) do { \
	const char *a_ = (actual), *e_ = (expected); \
	if (!a_ || strcmp(a_, e_) != 0) { \
		fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #actual, a_ ? a_ : "(null)", e_); \
		mt_check_failures++; \
	} } while (0)

static inline int mt_check_status(void)
{
	if (mt_check_failures)
		fprintf(stderr, "%d check(s) failed\n", mt_check_failures);
	return mt_check_failures ? 1 : 0;
}
