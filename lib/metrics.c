#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "metrics.h"

static const char *const action_names[MT_METRICS_ACTION__COUNT] = {
	[MT_METRICS_ACTION_THROTTLE] = "throttle",
	[MT_METRICS_ACTION_RELEASE] = "release",
	[MT_METRICS_ACTION_KILL] = "kill",
};

const char *mt_metrics_action_to_string(enum mt_metrics_action a)
{
	if ((unsigned)a >= MT_METRICS_ACTION__COUNT)
		return NULL;
	return action_names[a];
}

/* Strict UTF-8 (RFC 3629): no overlongs, no surrogates, nothing past U+10FFFF. */
static bool utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned char c = *p;
		uint32_t cp;
		int n;

		if (c < 0x80) {
			p++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			n = 1; cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2; cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3; cp = c & 0x07;
		} else {
			return false;
		}
		for (int i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return false;
		p += n + 1;
	}
	return true;
}

static int check_label(const char *v, size_t size)
{
	if (strlen(v) >= size)
		return -ENAMETOOLONG;
	if (!utf8_valid(v))
		return -EILSEQ;
	return 0;
}

static struct mt_metrics_series *series_find(struct mt_metrics *m, const char *namespace,
					     const char *pod, const char *container,
					     const char *reason)
{
	for (size_t i = 0; i < m->n_series; i++) {
		struct mt_metrics_series *c = &m->series[i];

		if (strcmp(c->namespace, namespace) == 0 && strcmp(c->pod, pod) == 0 &&
		    strcmp(c->container, container) == 0 && strcmp(c->reason, reason) == 0)
			return c;
	}
	return NULL;
}

static struct mt_metrics_series *series_add(struct mt_metrics *m, const char *namespace,
					    const char *pod, const char *container,
					    const char *reason)
{
	struct mt_metrics_series *s = &m->series[m->n_series++];

	memset(s, 0, sizeof(*s));
	strcpy(s->namespace, namespace);
	strcpy(s->pod, pod);
	strcpy(s->container, container);
	strcpy(s->reason, reason);
	return s;
}

int mt_metrics_count(struct mt_metrics *m, enum mt_metrics_event ev,
		     const char *namespace, const char *pod,
		     const char *container, const char *reason)
{
	struct mt_metrics_series *s;
	int r, folded = 0;

	if (!m || !reason || !*reason || m->n_series > MT_METRICS_MAX_SERIES ||
	    (ev != MT_METRICS_EVENT_KILL && ev != MT_METRICS_EVENT_THROTTLE && ev != MT_METRICS_EVENT_DRY_RUN_KILL))
		return -EINVAL;
	namespace = namespace ? namespace : "";
	pod = pod ? pod : "";
	container = container ? container : "";
	if ((r = check_label(namespace, MT_METRICS_NAMESPACE_SIZE)) < 0 ||
	    (r = check_label(pod, MT_METRICS_POD_SIZE)) < 0 ||
	    (r = check_label(container, MT_METRICS_CONTAINER_SIZE)) < 0 ||
	    (r = check_label(reason, MT_METRICS_REASON_SIZE)) < 0)
		return r;

	s = series_find(m, namespace, pod, container, reason);
	if (!s && m->n_series < MT_METRICS_MAX_SERIES - 1) {
		s = series_add(m, namespace, pod, container, reason);
	} else if (!s) {
		/* The last slot is kept for the overflow series. */
		folded = 1;
		s = series_find(m, MT_METRICS_OTHER, MT_METRICS_OTHER, MT_METRICS_OTHER, MT_METRICS_OTHER);
		if (!s)
			s = series_add(m, MT_METRICS_OTHER, MT_METRICS_OTHER, MT_METRICS_OTHER, MT_METRICS_OTHER);
	}
	if (ev == MT_METRICS_EVENT_KILL)
		s->kills++;
	else if (ev == MT_METRICS_EVENT_THROTTLE)
		s->throttles++;
	else
		s->dry_run_kills++;
	return folded;
}

/* Label values escaped per the text format: backslash, double quote, newline. */
static void put_label(FILE *f, const char *name, const char *v, bool last)
{
	fprintf(f, "%s=\"", name);
	for (const char *p = v; *p; p++) {
		if (*p == '\\')
			fputs("\\\\", f);
		else if (*p == '"')
			fputs("\\\"", f);
		else if (*p == '\n')
			fputs("\\n", f);
		else
			fputc(*p, f);
	}
	fputs(last ? "\"" : "\",", f);
}

static void put_header(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void put_series(FILE *f, const struct mt_metrics *m, const char *name,
		       enum mt_metrics_event ev)
{
	for (size_t i = 0; i < m->n_series; i++) {
		const struct mt_metrics_series *s = &m->series[i];

		fprintf(f, "%s{", name);
		put_label(f, "namespace", s->namespace, false);
		put_label(f, "pod", s->pod, false);
		put_label(f, "container", s->container, false);
		put_label(f, "reason", s->reason, true);
		fprintf(f, "} %" PRIu64 "\n", ev == MT_METRICS_EVENT_KILL       ? s->kills
		                              : ev == MT_METRICS_EVENT_THROTTLE ? s->throttles
		                                                                : s->dry_run_kills);
	}
}

static bool percent_valid(double v)
{
	return isfinite(v) && v >= 0.0 && v <= 100.0;
}

int mt_metrics_format(const struct mt_metrics *m, FILE *f)
{
	if (!m || !f || !m->version || !*m->version || m->n_series > MT_METRICS_MAX_SERIES ||
	    !percent_valid(m->psi_some_avg10) || !percent_valid(m->psi_full_avg10) ||
	    (m->zram && !percent_valid(m->zram_saving_ratio * 100.0)) ||
	    !isfinite(m->policy_last_reload_time) || m->policy_last_reload_time < 0.0)
		return -EINVAL;

	put_header(f, "memtriage_build_info", "gauge",
		   "memtriage build, always 1; the version is in the label.");
	fputs("memtriage_build_info{", f);
	put_label(f, "version", m->version, true);
	fputs("} 1\n", f);

	put_header(f, "memtriage_dry_run", "gauge",
		   "1 when memtriage only records what it would do.");
	fprintf(f, "memtriage_dry_run %d\n", m->dry_run ? 1 : 0);

	put_header(f, "memtriage_kills_total", "counter",
		   "Group kills of a workload, by Kubernetes identity and trigger.");
	put_series(f, m, "memtriage_kills_total", MT_METRICS_EVENT_KILL);
	put_header(f, "memtriage_throttles_total", "counter",
		   "memory.high throttles of a workload, by Kubernetes identity and trigger.");
	put_series(f, m, "memtriage_throttles_total", MT_METRICS_EVENT_THROTTLE);
	put_header(f, "memtriage_dry_run_kills_total", "counter",
		   "Group kills a dry run decided and did not carry out, by Kubernetes identity and trigger.");
	put_series(f, m, "memtriage_dry_run_kills_total", MT_METRICS_EVENT_DRY_RUN_KILL);

	put_header(f, "memtriage_decisions_total", "counter",
		   "Decisions taken (each may order zero or more actions).");
	fprintf(f, "memtriage_decisions_total %" PRIu64 "\n", m->decisions);
	put_header(f, "memtriage_node_figure_errors_total", "counter",
		   "Node readings whose figures could not be computed (no decision was taken).");
	fprintf(f, "memtriage_node_figure_errors_total %" PRIu64 "\n", m->node_figure_errors);
	put_header(f, "memtriage_unwatched_cgroups", "gauge",
		   "Cgroups whose inotify watch could not be added (groups created below them are not seen until a retry succeeds).");
	fprintf(f, "memtriage_unwatched_cgroups %" PRIu64 "\n", m->unwatched_cgroups);
	put_header(f, "memtriage_actions_total", "counter", "Actions carried out, by kind.");
	for (int a = 0; a < MT_METRICS_ACTION__COUNT; a++)
		fprintf(f, "memtriage_actions_total{action=\"%s\"} %" PRIu64 "\n",
			action_names[a], m->actions[a]);
	put_header(f, "memtriage_action_failures_total", "counter",
		   "Actions that failed, by kind.");
	for (int a = 0; a < MT_METRICS_ACTION__COUNT; a++)
		fprintf(f, "memtriage_action_failures_total{action=\"%s\"} %" PRIu64 "\n",
			action_names[a], m->action_failures[a]);

	put_header(f, "memtriage_node_commit_bytes", "gauge",
		   "Memory committed on the node (RAM and swap in use).");
	fprintf(f, "memtriage_node_commit_bytes %" PRIu64 "\n", m->node_commit_bytes);
	put_header(f, "memtriage_node_bound_bytes", "gauge",
		   "Most memory memtriage lets the node commit.");
	fprintf(f, "memtriage_node_bound_bytes %" PRIu64 "\n", m->node_bound_bytes);
	put_header(f, "memtriage_node_deficit_bytes", "gauge",
		   "Memory to free now to get back under the bound, by resource.");
	fprintf(f, "memtriage_node_deficit_bytes{resource=\"ram\"} %" PRIu64 "\n", m->ram_deficit_bytes);
	fprintf(f, "memtriage_node_deficit_bytes{resource=\"swap\"} %" PRIu64 "\n", m->swap_deficit_bytes);
	put_header(f, "memtriage_memory_pressure_avg10_ratio", "gauge",
		   "Node memory PSI avg10 as a ratio of wall time, by kind.");
	fprintf(f, "memtriage_memory_pressure_avg10_ratio{kind=\"some\"} %.4f\n", m->psi_some_avg10 / 100.0);
	fprintf(f, "memtriage_memory_pressure_avg10_ratio{kind=\"full\"} %.4f\n", m->psi_full_avg10 / 100.0);
	if (m->zram) {
		put_header(f, "memtriage_node_zram_saving_ratio", "gauge",
			   "RAM a byte moved into zram swap saves (1 - 1/compression ratio), as counted in the bound.");
		fprintf(f, "memtriage_node_zram_saving_ratio %.4f\n", m->zram_saving_ratio);
		put_header(f, "memtriage_node_zram_ratio_measured", "gauge",
			   "1 when the zram compression ratio is measured, 0 while too little is stored (ratio assumed 2, saving 0.5).");
		fprintf(f, "memtriage_node_zram_ratio_measured %d\n", m->zram_ratio_measured ? 1 : 0);
	}

	put_header(f, "memtriage_policy_reload_success", "gauge",
		   "1 when the last policy load or reload was accepted, 0 when rejected.");
	fprintf(f, "memtriage_policy_reload_success %d\n", m->policy_reload_success ? 1 : 0);
	put_header(f, "memtriage_policy_last_reload_timestamp_seconds", "gauge",
		   "Unix time of the last policy load or reload attempt.");
	fprintf(f, "memtriage_policy_last_reload_timestamp_seconds %.3f\n", m->policy_last_reload_time);

	if (fflush(f) != 0 || ferror(f))
		return -EIO;
	return 0;
}

static bool name_valid(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	return n > strlen(".prom") && !strchr(name, '/') &&
	       strcmp(name + n - strlen(".prom"), ".prom") == 0;
}

int mt_metrics_write_at(const struct mt_metrics *m, int dir_fd, const char *name)
{
	_cleanup_free_ char *text = NULL, *tmp = NULL;
	_cleanup_close_ int fd = -1;
	size_t len = 0, done = 0;
	FILE *f;
	int r;

	if (!name_valid(name))
		return -EINVAL;
	f = open_memstream(&text, &len);
	if (!f)
		return -errno;
	r = mt_metrics_format(m, f);
	if (fclose(f) != 0 && r == 0)
		r = -EIO;
	if (r < 0)
		return r;

	if (asprintf(&tmp, "%s.tmp", name) < 0) {
		tmp = NULL;
		return -ENOMEM;
	}
	fd = openat(dir_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	/* The umask may have narrowed the mode; node_exporter runs as another user. */
	if (fchmod(fd, 0644) < 0)
		goto fail;
	while (done < len) {
		ssize_t n = write(fd, text + done, len - done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		done += (size_t)n;
	}
	if (close(mt_take_fd(&fd)) < 0)
		goto fail;
	if (renameat(dir_fd, tmp, dir_fd, name) < 0)
		goto fail;
	return 0;

fail:
	r = -errno;
	(void)unlinkat(dir_fd, tmp, 0);
	return r;
}
