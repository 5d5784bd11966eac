#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "killreport.h"

struct out {
	char *buf;
	size_t cap; /* bytes usable for text, excluding the NUL */
	size_t len;
	bool overflow;
};

static void out_bytes(struct out *o, const char *s, size_t n)
{
	if (o->overflow || n > o->cap - o->len) {
		o->overflow = true;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void out_str(struct out *o, const char *s)
{
	out_bytes(o, s, strlen(s));
}

static bool needs_escape(unsigned char c)
{
	/* The set /dev/kmsg readers escape (c < ' ', c >= 127, '\\'), plus the
	 * space that separates our fields. */
	return c <= ' ' || c >= 0x7f || c == '\\';
}

static void out_value(struct out *o, const char *v)
{
	static const char hex[] = "0123456789abcdef";

	if (!v || !*v) {
		out_str(o, "-");
		return;
	}
	if (strcmp(v, "-") == 0) {
		out_str(o, "\\x2d");
		return;
	}
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (needs_escape(*p)) {
			char e[4] = { '\\', 'x', hex[*p >> 4], hex[*p & 0xf] };
			out_bytes(o, e, sizeof(e));
		} else {
			out_bytes(o, (const char *)p, 1);
		}
		if (o->overflow)
			return;
	}
}

static void out_u64(struct out *o, uint64_t v)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%" PRIu64, v);

	out_bytes(o, num, (size_t)n);
}

int mt_killreport_format(const struct mt_killreport *r, char *buf, size_t size)
{
	struct out o;

	if (!r || !buf || !r->cgroup || !*r->cgroup || !r->reason || !*r->reason)
		return -EINVAL;
	if (size == 0)
		return -ENOBUFS;
	o = (struct out){ .buf = buf, .cap = size - 1 };
	if (o.cap > MT_KILLREPORT_MAX_LEN)
		o.cap = MT_KILLREPORT_MAX_LEN;

	out_str(&o, r->dry_run ? "memtriage: dry-run-kill cgroup=" : "memtriage: killed cgroup=");
	out_value(&o, r->cgroup);
	out_str(&o, " namespace=");
	out_value(&o, r->namespace);
	out_str(&o, " pod=");
	out_value(&o, r->pod);
	out_str(&o, " container=");
	out_value(&o, r->container);
	out_str(&o, " reason=");
	out_value(&o, r->reason);
	out_str(&o, " freed_ram=");
	out_u64(&o, r->freed_ram);
	out_str(&o, " freed_swap=");
	out_u64(&o, r->freed_swap);
	out_str(&o, " decision=");
	out_u64(&o, r->decision);

	if (o.overflow) {
		buf[0] = '\0';
		return -ENOBUFS;
	}
	buf[o.len] = '\0';
	return (int)o.len;
}
