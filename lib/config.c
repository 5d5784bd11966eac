#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "cadence.h"
#include "fileio.h"
#include "look_cost.h"

static const char *const keys[] = { "supervised_root", "reserve", "socket", "socket_group", "policy_dir", "logs_dir",
				    "metrics_dir", "dry_run", "oom_score_adj", "hold_file", "fault_rate",
				    "idle_budget_ppm", NULL };

void mt_config_clear(struct mt_config *c)
{
	free(c->supervised_root);
	free(c->socket_path);
	free(c->socket_group);
	free(c->policy_dir);
	free(c->logs_dir);
	free(c->metrics_dir);
	free(c->hold_file);
	*c = (struct mt_config){ 0 };
}

int mt_config_init_default(struct mt_config *ret)
{
	*ret = (struct mt_config){
		/* 5 %: about what the kernel's own min/low watermarks and the
		 * kubelet's 100Mi eviction threshold leave on a 2-8 GiB node. */
		.reserve = { .percent = true, .basis_points = 500 },
		.oom_score_adj = -999, /* below every pod (Guaranteed is -997), above -1000 (unkillable) */
		.fault_rate = MT_FAULT_RATE_DEFAULT,
		.idle_budget_ppm = MT_IDLE_BUDGET_PPM,
	};
	ret->supervised_root = strdup("/sys/fs/cgroup");
	ret->socket_path = strdup("/run/memtriage/memtriage.sock");
	ret->logs_dir = strdup("/var/log/containers");
	ret->hold_file = strdup("/run/memtriage/holds.json");
	if (!ret->supervised_root || !ret->socket_path || !ret->logs_dir || !ret->hold_file) {
		mt_config_clear(ret);
		return -ENOMEM;
	}
	return 0;
}

/* An absolute path with no "." or ".." components; null allowed when nullable. */
static int get_path(struct mt_json_ctx *ctx, json_t *root, const char *key, bool nullable, size_t max,
		    char **ret)
{
	json_t *v = json_object_get(root, key);
	const char *s;
	int r;

	if (!v)
		return 0;
	mt_json_push_key(ctx, key);
	if (json_is_null(v)) {
		if (!nullable) {
			r = mt_json_fail(ctx, "expected an absolute path, got null");
			goto out;
		}
		free(*ret);
		*ret = NULL;
		r = 1;
		goto out;
	}
	mt_json_pop(ctx);
	if ((r = mt_json_get_string(ctx, root, key, true, &s)) < 0)
		return r;
	mt_json_push_key(ctx, key);
	if (s[0] != '/' || strstr(s, "/../") || strstr(s, "/./") || (strlen(s) >= 3 && !strcmp(s + strlen(s) - 3, "/..")) ||
	    (strlen(s) >= 2 && !strcmp(s + strlen(s) - 2, "/."))) {
		r = mt_json_fail(ctx, "\"%s\" is not an absolute path without \".\" or \"..\"", s);
		goto out;
	}
	if (strlen(s) >= max) {
		r = mt_json_fail(ctx, "longer than %zu bytes", max - 1);
		goto out;
	}
	char *d = strdup(s);
	if (!d) {
		r = -ENOMEM;
		goto out;
	}
	free(*ret);
	*ret = d;
	r = 1;
out:
	mt_json_pop(ctx);
	return r;
}

/* The worst-case fault-in rate: a size per second, 1 MiB..1 TiB (below,
 * the looks would sit at their 1 s ceiling whatever the headroom; above,
 * at their 10 ms floor: both ends are reachable without it). */
static int get_fault_rate(struct mt_json_ctx *ctx, json_t *root, uint64_t *ret)
{
	struct mt_size sz;
	int r = mt_json_get_size(ctx, root, "fault_rate", false, false, &sz);
	if (r <= 0)
		return r;
	if (sz.bytes < (UINT64_C(1) << 20) || sz.bytes > (UINT64_C(1) << 40)) {
		mt_json_push_key(ctx, "fault_rate");
		r = mt_json_fail(ctx, "%llu bytes/s is out of range 1Mi..1Ti", (unsigned long long)sz.bytes);
		mt_json_pop(ctx);
		return r;
	}
	*ret = sz.bytes;
	return 1;
}

/* A group name as groupadd accepts it by default: [a-z_][a-z0-9_-]*[$]?,
 * here also upper case and '.', which other tools create; never empty,
 * never a number (a gid would be ambiguous with a name made of digits). */
static int get_group(struct mt_json_ctx *ctx, json_t *root, const char *key, char **ret)
{
	json_t *v = json_object_get(root, key);
	const char *s;
	int r;

	if (!v)
		return 0;
	if (json_is_null(v)) {
		free(*ret);
		*ret = NULL;
		return 1;
	}
	if ((r = mt_json_get_string(ctx, root, key, true, &s)) < 0)
		return r;
	mt_json_push_key(ctx, key);
	size_t n = strlen(s);
	bool ok = n > 0 && n <= MT_CONFIG_GROUP_MAX && s[0] != '-' && strspn(s, "0123456789") != n;
	for (size_t i = 0; ok && i < n; i++)
		ok = (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		     s[i] == '_' || s[i] == '-' || s[i] == '.' || (s[i] == '$' && i == n - 1);
	if (!ok) {
		r = mt_json_fail(ctx, "\"%.64s\" is not a group name (1..%d of A-Z a-z 0-9 _ - ., not all digits)", s,
		                 MT_CONFIG_GROUP_MAX);
		goto out;
	}
	char *d = strdup(s);
	if (!d) {
		r = -ENOMEM;
		goto out;
	}
	free(*ret);
	*ret = d;
	r = 1;
out:
	mt_json_pop(ctx);
	return r;
}

int mt_config_parse(const char *text, size_t len, const char *file, struct mt_config *ret,
		    struct mt_json_error *err)
{
	struct mt_json_ctx ctx;
	struct mt_config c;
	json_t *root = NULL;
	int64_t v;
	int r;

	if ((r = mt_config_init_default(&c)) < 0)
		return mt_json_error_set(err, r, file, "out of memory");
	mt_json_ctx_init(&ctx, text, len, file, err);
	if (len > MT_CONFIG_FILE_MAX) {
		r = mt_json_error_set(err, -EFBIG, file, "larger than %d bytes", MT_CONFIG_FILE_MAX);
		goto out;
	}
	if ((r = mt_json_parse(&ctx, &root)) < 0)
		goto out;
	/* A key that left the format says why, not only that it is unknown. */
	if (json_is_object(root) && json_object_get(root, "horizon_s")) {
		mt_json_push_key(&ctx, "horizon_s");
		r = mt_json_fail(&ctx, "no longer a setting: a hold is due when commit nears the bound, not on "
		                 "projected exhaustion; remove it (doc/daemon.md)");
		mt_json_pop(&ctx);
		goto out;
	}
	/* sun_path holds 108 bytes including the NUL. */
	if ((r = mt_json_check_keys(&ctx, root, keys)) < 0 ||
	    (r = get_path(&ctx, root, "supervised_root", false, 4096, &c.supervised_root)) < 0 ||
	    (r = get_path(&ctx, root, "socket", false, 108, &c.socket_path)) < 0 ||
	    (r = get_group(&ctx, root, "socket_group", &c.socket_group)) < 0 ||
	    (r = get_path(&ctx, root, "policy_dir", true, 4096, &c.policy_dir)) < 0 ||
	    (r = get_path(&ctx, root, "logs_dir", true, 4096, &c.logs_dir)) < 0 ||
	    (r = get_path(&ctx, root, "metrics_dir", true, 4096, &c.metrics_dir)) < 0 ||
	    (r = get_path(&ctx, root, "hold_file", true, 4096, &c.hold_file)) < 0 ||
	    (r = mt_json_get_size(&ctx, root, "reserve", false, true, &c.reserve)) < 0 ||
	    (r = mt_json_get_bool(&ctx, root, "dry_run", false, &c.dry_run)) < 0)
		goto out;
	if ((r = mt_json_get_int(&ctx, root, "oom_score_adj", false, -1000, 1000, &v)) < 0)
		goto out;
	if (r)
		c.oom_score_adj = (int)v;
	if ((r = get_fault_rate(&ctx, root, &c.fault_rate)) < 0)
		goto out;
	if ((r = mt_json_get_int(&ctx, root, "idle_budget_ppm", false, MT_IDLE_BUDGET_PPM_MIN, MT_IDLE_BUDGET_PPM_MAX,
				 &v)) < 0)
		goto out;
	if (r)
		c.idle_budget_ppm = (uint32_t)v;
	r = 0;
out:
	json_decref(root);
	if (r == -ENOMEM)
		mt_json_error_set(err, r, file, "out of memory");
	if (r < 0) {
		mt_config_clear(&c);
		return r;
	}
	*ret = c;
	return 0;
}

int mt_config_load(const char *path, struct mt_config *ret, struct mt_json_error *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	_cleanup_free_ char *buf = NULL;
	struct stat st;

	if (fd < 0)
		return mt_json_error_set(err, -errno, path, "cannot open: %s", strerror(errno));
	if (fstat(fd, &st) < 0)
		return mt_json_error_set(err, -errno, path, "cannot stat: %s", strerror(errno));
	if (!S_ISREG(st.st_mode))
		return mt_json_error_set(err, -EINVAL, path, "not a regular file");
	buf = malloc(MT_CONFIG_FILE_MAX + 1);
	if (!buf)
		return mt_json_error_set(err, -ENOMEM, path, "out of memory");
	int r = mt_read_fd(fd, buf, MT_CONFIG_FILE_MAX + 1);
	if (r == -EFBIG)
		return mt_json_error_set(err, r, path, "larger than %d bytes", MT_CONFIG_FILE_MAX);
	if (r < 0)
		return mt_json_error_set(err, r, path, "cannot read: %s", strerror(-r));
	return mt_config_parse(buf, (size_t)r, path, ret, err);
}
