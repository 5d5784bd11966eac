/* lib/kv.h: number parsing, line and token splitting, table parsing. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "check.h"
#include "kv.h"

#define S(lit) lit, sizeof(lit) - 1

static void test_u64(void)
{
	uint64_t v = 7;

	CHECK_INT(mt_u64_parse(S("0"), &v), 0);
	CHECK_U64(v, 0);
	CHECK_INT(mt_u64_parse(S("00042"), &v), 0);
	CHECK_U64(v, 42);
	CHECK_INT(mt_u64_parse(S("18446744073709551615"), &v), 0);
	CHECK_U64(v, UINT64_MAX);
	CHECK_INT(mt_u64_parse(S("18446744073709551616"), &v), -ERANGE);
	CHECK_INT(mt_u64_parse(S("99999999999999999999"), &v), -ERANGE);
	v = 5;
	CHECK_INT(mt_u64_parse(S(""), &v), -EBADMSG);
	CHECK_INT(mt_u64_parse(S("-1"), &v), -EBADMSG);
	CHECK_INT(mt_u64_parse(S("+1"), &v), -EBADMSG);
	CHECK_INT(mt_u64_parse(S(" 1"), &v), -EBADMSG);
	CHECK_INT(mt_u64_parse(S("1 "), &v), -EBADMSG);
	CHECK_INT(mt_u64_parse(S("0x10"), &v), -EBADMSG);
	CHECK_INT(mt_u64_parse(S("1e3"), &v), -EBADMSG);
	CHECK_INT(mt_u64_parse(S("max"), &v), -EBADMSG);
	CHECK_U64(v, 5); /* untouched on failure */
	/* length-bounded: the digits after len are not read */
	CHECK_INT(mt_u64_parse("123abc", 3, &v), 0);
	CHECK_U64(v, 123);
}

static void test_limit(void)
{
	uint64_t v = 0;

	CHECK_INT(mt_limit_parse(S("max"), &v), 0);
	CHECK_U64(v, MT_VALUE_MAX);
	CHECK_INT(mt_limit_parse(S("1073741824"), &v), 0);
	CHECK_U64(v, 1073741824);
	CHECK_INT(mt_limit_parse(S("18446744073709551615"), &v), -ERANGE);
	CHECK_INT(mt_limit_parse(S("Max"), &v), -EBADMSG);
	CHECK_INT(mt_limit_parse(S("maxx"), &v), -EBADMSG);
	CHECK_INT(mt_limit_parse(S("ma"), &v), -EBADMSG);
}

static void test_lines(void)
{
	const char buf[] = "a 1\nbb 22 x\n";
	struct mt_kv_line l;
	size_t pos = 0;

	CHECK_INT(mt_kv_next_line(S(buf), &pos, ' ', &l), 1);
	CHECK_INT(l.key_len, 1);
	CHECK(memcmp(l.key, "a", 1) == 0);
	CHECK_INT(l.value_len, 1);
	CHECK(memcmp(l.value, "1", 1) == 0);
	CHECK_INT(mt_kv_next_line(S(buf), &pos, ' ', &l), 1);
	CHECK_INT(l.key_len, 2);
	CHECK_INT(l.value_len, 4); /* split at the first separator only */
	CHECK(memcmp(l.value, "22 x", 4) == 0);
	CHECK_INT(mt_kv_next_line(S(buf), &pos, ' ', &l), 0);

	pos = 0;
	CHECK_INT(mt_kv_next_line(S("a 1"), &pos, ' ', &l), -EBADMSG);   /* no newline */
	pos = 0;
	CHECK_INT(mt_kv_next_line(S("a1\n"), &pos, ' ', &l), -EBADMSG);  /* no separator */
	pos = 0;
	CHECK_INT(mt_kv_next_line(S(" 1\n"), &pos, ' ', &l), -EBADMSG);  /* empty key */
	pos = 0;
	CHECK_INT(mt_kv_next_line(S("\n"), &pos, ' ', &l), -EBADMSG);    /* empty line */
	pos = 0;
	CHECK_INT(mt_kv_next_line(S(""), &pos, ' ', &l), 0);
}

static void test_tokens(void)
{
	const char s[] = "avg10=1.00  total=5 ";
	struct mt_kv_line t;
	size_t pos = 0;

	CHECK_INT(mt_kv_next_token(S(s), &pos, &t), 1);
	CHECK_INT(t.key_len, 5);
	CHECK_INT(t.value_len, 4);
	CHECK_INT(mt_kv_next_token(S(s), &pos, &t), 1);
	CHECK(t.key_len == 5 && memcmp(t.key, "total", 5) == 0);
	CHECK(t.value_len == 1 && t.value[0] == '5');
	CHECK_INT(mt_kv_next_token(S(s), &pos, &t), 0);

	pos = 0;
	CHECK_INT(mt_kv_next_token(S("avg10"), &pos, &t), -EBADMSG);
	pos = 0;
	CHECK_INT(mt_kv_next_token(S("=1"), &pos, &t), -EBADMSG);
	pos = 0;
	CHECK_INT(mt_kv_next_token(S("k="), &pos, &t), 1);  /* empty value: the caller's number parse rejects it */
	CHECK_INT(t.value_len, 0);
}

struct two {
	uint64_t a, b;
};

static const struct mt_kv_field two_fields[] = {
	{ "a", offsetof(struct two, a), true },
	{ "b", offsetof(struct two, b), false },
};

static void test_table(void)
{
	struct two t = { 0, 0 };
	uint64_t present = 99;

	CHECK_INT(mt_kv_field_find(two_fields, 2, "b", 1), 1);
	CHECK_INT(mt_kv_field_find(two_fields, 2, "bb", 2), -ENOENT);
	CHECK_INT(mt_kv_field_find(two_fields, 2, "", 0), -ENOENT);

	CHECK_INT(mt_kv_parse(S("z 1\na 5\nb 6\n"), ' ', two_fields, 2, &t, &present), 0);
	CHECK_U64(t.a, 5);
	CHECK_U64(t.b, 6);
	CHECK_U64(present, 3);
	CHECK_INT(mt_kv_parse(S("a 5\n"), ' ', two_fields, 2, &t, &present), 0);
	CHECK_U64(present, 1);
	CHECK_INT(mt_kv_parse(S("b 6\n"), ' ', two_fields, 2, &t, &present), -EBADMSG);       /* missing required */
	CHECK_INT(mt_kv_parse(S("a 5\na 5\n"), ' ', two_fields, 2, &t, &present), -EBADMSG);  /* duplicate */
	CHECK_INT(mt_kv_parse(S("a 5\nz 1\nz 1\n"), ' ', two_fields, 2, &t, &present), 0);   /* unknown dups unseen */
	CHECK_INT(mt_kv_parse(S("a x\n"), ' ', two_fields, 2, &t, &present), -EBADMSG);
	CHECK_INT(mt_kv_parse(S("a 99999999999999999999\n"), ' ', two_fields, 2, &t, &present), -ERANGE);
	CHECK_INT(mt_kv_parse(S("a=5\n"), '=', two_fields, 2, &t, &present), 0);
	CHECK_INT(mt_kv_parse(S(""), ' ', two_fields, 2, &t, &present), -EBADMSG);
	CHECK_INT(mt_kv_parse(S("a 1\n"), ' ', two_fields, 65, &t, &present), -EINVAL);
}

int main(void)
{
	test_u64();
	test_limit();
	test_lines();
	test_tokens();
	test_table();
	return mt_check_status();
}
