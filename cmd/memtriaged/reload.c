/* Policies and Kubernetes names: see reload.h. */
#include "reload.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "log.h"
#include "notify.h"
#include "promfile.h" /* metrics */
#include "watch.h"

int reload_policies(struct daemon *d, const char *why)
{
	notify_reloading();
	struct mt_policy_set *set = NULL;
	struct mt_json_error err = { 0 };
	int r = d->opts.policy_dir ? mt_policy_set_load_dir(d->opts.policy_dir, &set, &err)
	                           : mt_policy_set_load_default(&set, &err);
	if (r < 0) {
		mt_json_error_format(&err, d->policy_error, sizeof d->policy_error);
		log_event(LOG_ERR, "policy-reload-failed",
		          json_pack("{s:s, s:s, s:s}", "why", why, "error", d->policy_error, "kept", "last good set"));
		notify_send("READY=1");
		promfile_reloaded(d, false); /* metrics */
		return r;
	}
	struct mt_policy_set *old = d->policies;
	d->policies = set;
	watch_resolve_all(d); /* every borrowed policy pointer moves to the new set */
	mt_policy_set_free(old);
	d->policy_error[0] = '\0';
	d->policy_loaded_ms = now_ms();
	promfile_reloaded(d, true); /* metrics */
	log_event(LOG_NOTICE, "policies-loaded",
	          json_pack("{s:s, s:i, s:s}", "why", why, "count", (int)mt_policy_set_size(set), "source",
	                    d->opts.policy_dir ? d->opts.policy_dir : "<embedded defaults>"));
	notify_send("READY=1");
	if (d->kick)
		d->kick(d); /* the candidacy changes */
	return 0;
}

/* A new container's symlink appears tens of milliseconds after its cgroup,
 * so names are joined on refresh. */
void reload_names(struct daemon *d)
{
	if (!d->opts.logs_dir)
		return;
	int fd = mt_dir_open(AT_FDCWD, d->opts.logs_dir);
	if (fd < 0) {
		if (!d->names && fd != -ENOENT)
			log_msg(LOG_WARNING, "Kubernetes names from %s: %s", d->opts.logs_dir, strerror(-fd));
		return;
	}
	struct mt_k8s_names *names = NULL;
	int r = mt_k8s_names_load(fd, &names);
	close(fd);
	if (r < 0) {
		log_msg(LOG_WARNING, "Kubernetes names from %s: %s", d->opts.logs_dir, strerror(-r));
		return;
	}
	struct mt_k8s_names *old = d->names;
	d->names = names;
	watch_resolve_all(d);
	mt_k8s_names_free(old);
	if (d->kick)
		d->kick(d);
}
