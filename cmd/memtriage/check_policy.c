/* memtriage check-policy: validates a policy directory with the daemon's own
 * loader and, given a cgroup tree, shows which policy each cgroup gets. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fileio.h"
#include "candidacy.h"
#include "k8s.h"
#include "policy.h"
#include "table.h"
#include "verbs.h"

/* Deeper than any cgroup layout in use (Kubernetes needs about 6 levels). */
#define WALK_DEPTH_MAX 32

static void help(FILE *f)
{
	fprintf(f,
		"usage: memtriage check-policy DIR|--embedded [--root CGROUP_ROOT] [--logs DIR] [--own CGROUP]\n"
		"\n"
		"Validates the policy directory DIR (or the compiled-in default set) exactly\n"
		"as memtriaged loads it. With --root, prints the policy every cgroup below\n"
		"CGROUP_ROOT gets (a live /sys/fs/cgroup or a fixture tree) and whether it\n"
		"is a candidate: \"yes\", or why not (protected, self, structure,\n"
		"child-eligible: a group below is the candidate, holds-guarded(G): the\n"
		"protected or own group G lies below it, so killing it would kill G).\n"
		"\n"
		"  --embedded         check the compiled-in default set instead of DIR\n"
		"  --root DIR         cgroup v2 tree to match against\n"
		"  --logs DIR         /var/log/containers (or a fixture) for Kubernetes names\n"
		"  --own CGROUP       memtriage's own cgroup, relative to the root\n"
		"  -h, --help         this text\n"
		"\n"
		"Exit status: 0 valid, 1 invalid (the error names file:line:column and the\n"
		"JSON path), 2 usage.\n");
}

struct row {
	char *cgroup, *k8s, *qos, *policy, *priority, *response;
	ssize_t parent;                  /* row index of the parent cgroup, -1: a top one */
	struct mt_candidacy_own own;
	char *candidate;                 /* filled after the walk */
};

struct table {
	size_t n, cap;
	struct row *v;
};

static int table_add(struct table *t, struct row r)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct row *v = realloc(t->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n++] = r;
	return 0;
}

struct walk {
	const struct mt_policy_set *set;
	const struct mt_k8s_names *names;
	const char *own;
	struct table rows;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int describe(struct walk *w, const char *relpath, ssize_t parent)
{
	struct mt_k8s_identity id;
	const struct mt_policy *p;
	struct row r = { 0 };

	mt_k8s_identify(w->names, relpath, &id);
	int e = mt_policy_set_match(w->set, relpath, &id, w->own, &p);
	if (e < 0)
		return e;
	if (id.named)
		e = asprintf(&r.k8s, "%s/%s%s%s", id.k8s_namespace, id.pod, id.container[0] ? "/" : "", id.container);
	else if (id.path.kind != MT_K8S_NONE)
		e = asprintf(&r.k8s, "(%s)", mt_k8s_kind_to_string(id.path.kind));
	else
		e = asprintf(&r.k8s, "-");
	if (e < 0 || asprintf(&r.cgroup, "%s", relpath) < 0 ||
	    asprintf(&r.qos, "%s", id.path.qos ? mt_qos_to_string(id.path.qos) : "-") < 0 ||
	    asprintf(&r.policy, "%s", p->name) < 0 ||
	    (p->is_protected ? asprintf(&r.priority, "-") : asprintf(&r.priority, "%d", p->priority)) < 0 ||
	    asprintf(&r.response, "%s", p->is_protected ? "protected" : mt_response_to_string(p->response)) < 0)
		return -ENOMEM;
	r.parent = parent;
	r.own = (struct mt_candidacy_own){
		.has_policy = true,
		.is_protected = p->is_protected,
		.kind_is_candidate = mt_k8s_kind_is_candidate(id.path.kind),
		.is_self = mt_candidacy_path_holds(relpath, w->own),
	};
	return table_add(&w->rows, r);
}

static int walk(struct walk *w, int dfd, const char *relpath, ssize_t row, int depth)
{
	if (depth > WALK_DEPTH_MAX)
		return -ELOOP;
	int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	char **kids = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	int r = 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (de->d_type == DT_UNKNOWN) {
			struct stat st;
			if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
				continue;
		} else if (de->d_type != DT_DIR)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			char **k = realloc(kids, cap * sizeof(*k));
			if (!k) {
				r = -ENOMEM;
				break;
			}
			kids = k;
		}
		if (!(kids[n] = strdup(de->d_name))) {
			r = -ENOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	if (n)
		qsort(kids, n, sizeof(*kids), cmp_str);
	for (size_t i = 0; i < n && r >= 0; i++) {
		_cleanup_free_ char *child = NULL;
		if (asprintf(&child, "%s%s%s", relpath, relpath[0] ? "/" : "", kids[i]) < 0) {
			r = -ENOMEM;
			break;
		}
		ssize_t child_row = (ssize_t)w->rows.n;
		if ((r = describe(w, child, row)) < 0)
			break;
		_cleanup_close_ int cfd = mt_dir_open(dfd, kids[i]);
		if (cfd < 0) {
			if (mt_errno_is_gone(cfd))
				continue; /* removed while we walked */
			r = cfd;
			break;
		}
		r = walk(w, cfd, child, child_row, depth + 1);
	}
	for (size_t i = 0; i < n; i++)
		free(kids[i]);
	free(kids);
	return r;
}

/* The CANDIDATE column: "yes", or why not; a group held out by a guarded
 * group below names it. */
static int judge_candidacy(struct table *t)
{
	if (t->n == 0)
		return 0;
	_cleanup_free_ struct mt_candidacy_own *own = calloc(t->n, sizeof(*own));
	_cleanup_free_ ssize_t *parent = calloc(t->n, sizeof(*parent));
	_cleanup_free_ ssize_t *guard = calloc(t->n, sizeof(*guard));
	_cleanup_free_ struct mt_candidacy *res = calloc(t->n, sizeof(*res));
	if (!own || !parent || !guard || !res)
		return -ENOMEM;
	for (size_t i = 0; i < t->n; i++) {
		own[i] = t->v[i].own;
		parent[i] = t->v[i].parent;
	}
	int r = mt_candidacy_tree(own, parent, t->n, res, guard);
	if (r < 0)
		return r;
	for (size_t i = 0; i < t->n; i++) {
		const char *why = mt_candidacy_why_to_string(res[i].why);
		if (res[i].why == MT_CANDIDACY_HOLDS_GUARDED && guard[i] >= 0)
			r = asprintf(&t->v[i].candidate, "no:%s(%s)", why, t->v[guard[i]].cgroup);
		else
			r = asprintf(&t->v[i].candidate, "%s%s", res[i].candidate ? "" : "no:", why);
		if (r < 0)
			return -ENOMEM;
	}
	return 0;
}

static void print_table(const struct table *t)
{
	static const char *const head[] = { "CGROUP", "K8S", "QOS", "POLICY", ">PRIORITY", "RESPONSE", "CANDIDATE" };
	struct mt_table *tb = mt_table_new(7, head);
	if (!tb)
		abort();
	/* A terminal narrower than the table loses QOS, then K8S, then
	 * PRIORITY; the cgroup keeps its leaf (table.h). */
	mt_table_fit(tb, 0, MT_FIT_MIDDLE, 32, 0);
	mt_table_fit(tb, 1, MT_FIT_END, 16, 2);
	mt_table_fit(tb, 2, MT_FIT_KEEP, 0, 1);
	mt_table_fit(tb, 3, MT_FIT_END, 8, 0);
	mt_table_fit(tb, 4, MT_FIT_KEEP, 0, 3);
	mt_table_fit(tb, 5, MT_FIT_END, 8, 0);
	mt_table_fit(tb, 6, MT_FIT_END, 12, 0);
	for (size_t i = 0; i < t->n; i++) {
		const struct row *r = &t->v[i];
		mt_table_row(tb);
		mt_table_cell(tb, r->cgroup, MT_COLOR_NONE);
		mt_table_cell(tb, r->k8s, MT_COLOR_NONE);
		mt_table_cell(tb, r->qos, MT_COLOR_NONE);
		mt_table_cell(tb, r->policy, MT_COLOR_NONE);
		mt_table_cell(tb, r->priority, MT_COLOR_NONE);
		mt_table_cell(tb, r->response, MT_COLOR_NONE);
		mt_table_cell(tb, r->candidate, MT_COLOR_NONE);
	}
	mt_table_print(tb, stdout, false, mt_term_width(STDOUT_FILENO));
	mt_table_free(tb);
}

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		struct row *r = &t->v[i];
		free(r->cgroup), free(r->k8s), free(r->qos), free(r->policy), free(r->priority), free(r->response),
			free(r->candidate);
	}
	free(t->v);
}

int mt_verb_check_policy(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },   { "logs", required_argument, NULL, 'l' },
		{ "own", required_argument, NULL, 'o' },    { "embedded", no_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },         { 0 },
	};
	const char *root = NULL, *logs = NULL, *own = NULL, *dir = NULL;
	bool embedded = false;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'r': root = optarg; break;
		case 'l': logs = optarg; break;
		case 'o': own = optarg; break;
		case 'e': embedded = true; break;
		case 'h': help(stdout); return MT_EXIT_OK;
		default: help(stderr); return MT_EXIT_USAGE;
		}
	}
	if (optind < argc)
		dir = argv[optind++];
	if (optind < argc || (!dir && !embedded) || (dir && embedded)) {
		help(stderr);
		return MT_EXIT_USAGE;
	}

	struct mt_policy_set *set = NULL;
	struct mt_json_error err;
	char msg[2048];
	int r = embedded ? mt_policy_set_load_default(&set, &err) : mt_policy_set_load_dir(dir, &set, &err);
	if (r < 0) {
		mt_json_error_format(&err, msg, sizeof(msg));
		fprintf(stderr, "memtriage check-policy: %s\n", msg);
		return MT_EXIT_FAILURE;
	}
	printf("%s: %zu policies, valid\n", embedded ? "<embedded>" : dir, mt_policy_set_size(set));

	int status = MT_EXIT_OK;
	struct mt_k8s_names *names = NULL;
	if (root) {
		if (logs) {
			_cleanup_close_ int lfd = mt_dir_open(AT_FDCWD, logs);
			if (lfd < 0 || (r = mt_k8s_names_load(lfd, &names)) < 0) {
				fprintf(stderr, "memtriage check-policy: %s: %s\n", logs, strerror(lfd < 0 ? -lfd : -r));
				status = MT_EXIT_FAILURE;
				goto out;
			}
		}
		_cleanup_close_ int rfd = mt_dir_open(AT_FDCWD, root);
		if (rfd < 0) {
			fprintf(stderr, "memtriage check-policy: %s: %s\n", root, strerror(-rfd));
			status = MT_EXIT_FAILURE;
			goto out;
		}
		struct walk w = { .set = set, .names = names, .own = own };
		r = walk(&w, rfd, "", -1, 0);
		if (r >= 0)
			r = judge_candidacy(&w.rows);
		if (r < 0) {
			fprintf(stderr, "memtriage check-policy: walking %s: %s\n", root, strerror(-r));
			status = MT_EXIT_FAILURE;
		} else
			print_table(&w.rows);
		table_free(&w.rows);
	}
out:
	mt_k8s_names_free(names);
	mt_policy_set_free(set);
	return status;
}
