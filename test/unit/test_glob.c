#include <errno.h>

#include "check.h"
#include "glob.h"

static void reason(const char *pattern, const char *want)
{
	const char *why = NULL;
	CHECK_INT(mt_glob_validate(pattern, &why), -EINVAL);
	CHECK_STR(why, want);
}

int main(void)
{
	const char *why;

	CHECK_INT(mt_glob_validate("kubepods.slice/**", &why), 0);
	CHECK_INT(mt_glob_validate("a[!/x-z]b\\*", &why), 0);
	reason("", "empty pattern");
	reason("kube[pods", "unterminated '['");
	reason("a[]", "empty character class '[]'");
	reason("a[!]", "empty character class '[]'");
	reason("a[z-a]", "reversed range in character class");
	reason("***", "more than two '*' in a row");
	reason("a\\", "trailing '\\'");
	reason("[a\\", "trailing '\\'");
	char longp[300];
	memset(longp, 'a', 256);
	longp[256] = '\0';
	reason(longp, "pattern longer than 255 bytes");
	longp[255] = '\0';
	CHECK_INT(mt_glob_validate(longp, &why), 0);

	/* '*' stays in one component, '**' crosses them, '?' never takes '/'. */
	CHECK(mt_glob_match("*", "system.slice"));
	/* the checked form: 1, 0 (a failure would be negative, never 0) */
	CHECK_INT(mt_glob_match_checked("kubepods.slice/**", "kubepods.slice/a/b"), 1);
	CHECK_INT(mt_glob_match_checked("kubepods.slice/**", "kubepods.slice"), 1);
	CHECK_INT(mt_glob_match_checked("*", "a/b"), 0);
	CHECK(!mt_glob_match("*", "system.slice/a.service"));
	CHECK(mt_glob_match("**", "system.slice/a.service"));
	CHECK(mt_glob_match("**", ""));
	CHECK(mt_glob_match("system.slice/*.service", "system.slice/kubelet.service"));
	CHECK(!mt_glob_match("system.slice/*.service", "system.slice/x/kubelet.service"));
	CHECK(mt_glob_match("kubepods.slice/**/cri-containerd-*.scope",
			    "kubepods.slice/kubepods-burstable.slice/p.slice/cri-containerd-ab.scope"));
	CHECK(!mt_glob_match("a?c", "a/c"));
	CHECK(mt_glob_match("a?c", "abc"));
	CHECK(mt_glob_match("web-[0-9]", "web-7"));
	CHECK(!mt_glob_match("web-[0-9]", "web-x"));
	CHECK(mt_glob_match("web-[!0-9]", "web-x"));
	CHECK(mt_glob_match("web-[^0-9]", "web-x"));
	CHECK(!mt_glob_match("a[!b]c", "a/c"));
	CHECK(mt_glob_match("a\\*", "a*"));
	CHECK(!mt_glob_match("a\\*", "ab"));
	CHECK(!mt_glob_match("abc", "abcd"));
	CHECK(!mt_glob_match("abc", "ab"));
	/* "x/ **" names the whole subtree, x included. */
	CHECK(mt_glob_match("system.slice/**", "system.slice"));
	CHECK(mt_glob_match("system.slice/**", "system.slice/a/b"));
	CHECK(!mt_glob_match("system.slice/**", "system.slicex"));
	/* Many stars: linear, not exponential. */
	CHECK(!mt_glob_match("*a*a*a*a*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));

	CHECK_INT(mt_glob_intersect("web-*", "*-shop"), 1);     /* "web-shop" */
	CHECK_INT(mt_glob_intersect("web-*", "db-*"), 0);
	CHECK_INT(mt_glob_intersect("a/*", "a/b/c"), 0);        /* '*' never takes '/' */
	CHECK_INT(mt_glob_intersect("a/**", "a/b/c"), 1);
	CHECK_INT(mt_glob_intersect("system.slice/**", "system.slice"), 1);
	CHECK_INT(mt_glob_intersect("system.slice/**", "init.scope"), 0);
	CHECK_INT(mt_glob_intersect("[ab]x", "[bc]x"), 1);
	CHECK_INT(mt_glob_intersect("[ab]x", "[cd]x"), 0);
	CHECK_INT(mt_glob_intersect("?", "/"), 0);
	CHECK_INT(mt_glob_intersect("*", "**"), 1);
	CHECK_INT(mt_glob_intersect("a*b", "a*c"), 0);
	CHECK_INT(mt_glob_intersect("*b", "a*"), 1);
	CHECK_INT(mt_glob_intersect("kube-system", "kube-*"), 1);
	CHECK_INT(mt_glob_intersect("kube-system", "kube-public"), 0);
	return mt_check_status();
}
