/* Kill reports: see report.h. */
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "cleanup.h"
#include "killreport.h"
#include "log.h"
#include "promfile.h"
#include "recorder.h"

/* One writev: the kernel takes one write to /dev/kmsg as one record. The
 * newline matters: without it the kernel keeps the record open for a
 * continuation and dmesg does not show it (seen on 6.1 in test/vm). */
static int kmsg_write(const char *line, size_t len)
{
	_cleanup_close_ int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -errno;
	struct iovec iov[] = {
		{ .iov_base = (void *)MT_KILLREPORT_KMSG_PRIORITY, .iov_len = strlen(MT_KILLREPORT_KMSG_PRIORITY) },
		{ .iov_base = (void *)line, .iov_len = len },
		{ .iov_base = (void *)"\n", .iov_len = 1 },
	};
	return writev(fd, iov, MT_ELEMENTSOF(iov)) < 0 ? -errno : 0;
}

/* Formats and writes the line for c; returns kmsg_write's result. */
static int report_line(struct cg *c, uint64_t record_id, bool dry_run, uint64_t ram, uint64_t swap,
                       struct mt_killreport *r)
{
	/* The decision's trigger is the reason. */
	const char *reason = recorder_reason(c->d, record_id);
	const struct mt_k8s_identity *id = &c->id;
	*r = (struct mt_killreport){
		.cgroup = c->relpath,
		.namespace = id->named ? id->k8s_namespace : NULL,
		.pod = id->named ? id->pod : NULL,
		.container = id->named ? id->container : NULL,
		.reason = reason,
		.freed_ram = ram,
		.freed_swap = swap,
		.decision = record_id,
		.dry_run = dry_run,
	};
	char line[MT_KILLREPORT_MAX_LEN + 1];
	int n = mt_killreport_format(r, line, sizeof line);
	int w = n < 0 ? n : kmsg_write(line, (size_t)n);
	if (w < 0)
		log_msg(LOG_WARNING, "%s: kill report to /dev/kmsg: %s", c->relpath, strerror(-w));
	return w;
}

static json_t *k8s_json(const struct mt_k8s_identity *id)
{
	return id->named ? json_pack("{s:s, s:s, s:s?}", "namespace", id->k8s_namespace, "pod", id->pod, "container",
	                             id->container[0] ? id->container : NULL)
	                 : json_null();
}

void report_dry_run_kill(struct cg *c, uint64_t record_id, uint64_t pred_ram, uint64_t pred_swap)
{
	struct mt_killreport r;
	int w = report_line(c, record_id, true, pred_ram, pred_swap, &r);
	promfile_count_dry_run_kill(c, record_id);
	log_event(LOG_WARNING, "dry-run-kill-report",
	          json_pack("{s:s, s:o, s:s, s:I, s:I, s:I, s:b}", "cgroup", c->relpath, "k8s", k8s_json(&c->id), "reason",
	                    r.reason, "predicted_ram", (json_int_t)r.freed_ram, "predicted_swap", (json_int_t)r.freed_swap,
	                    "decision", (json_int_t)r.decision, "kmsg", w == 0));
}

void report_kill_done(struct cg *c, uint64_t ram, uint64_t swap)
{
	struct mt_killreport r;
	int w = report_line(c, c->rec.kill_record_id, false, c->rec.before_ram > ram ? c->rec.before_ram - ram : 0,
	                    c->rec.before_swap > swap ? c->rec.before_swap - swap : 0, &r);
	json_t *k8s = k8s_json(&c->id);
	promfile_count_kill(c, c->rec.kill_record_id);
	log_event(LOG_WARNING, "kill-report",
	          json_pack("{s:s, s:o, s:s, s:I, s:I, s:I, s:b}", "cgroup", c->relpath, "k8s", k8s, "reason", r.reason,
	                    "freed_ram", (json_int_t)r.freed_ram, "freed_swap", (json_int_t)r.freed_swap, "decision",
	                    (json_int_t)r.decision, "kmsg", w == 0));
}
