/* The /var/log/containers names table of k8s.h. */
#include "k8s.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"

struct mt_k8s_names {
	size_t n, cap;
	struct mt_k8s_name *v;
};

static bool valid_name_chars(const char *p, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = p[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'))
			return false;
	}
	return true;
}

static bool copy_part(char *out, size_t max, const char *p, size_t len)
{
	if (len > max || !valid_name_chars(p, len))
		return false;
	memcpy(out, p, len);
	out[len] = '\0';
	return true;
}

int mt_k8s_logname_parse(const char *filename, struct mt_k8s_name *ret)
{
	size_t len = strlen(filename);
	const char *u1, *u2, *dash;

	*ret = (struct mt_k8s_name){ 0 };
	/* "<pod>_<ns>_<c>-<64 hex>.log": 1+1+1+1+1+64+4 bytes at least */
	if (len < 73 || strcmp(filename + len - 4, ".log") != 0)
		return -EINVAL;
	dash = filename + len - 4 - MT_K8S_ID_MAX - 1;
	if (*dash != '-')
		return -EINVAL;
	for (size_t i = 0; i < MT_K8S_ID_MAX; i++) {
		char c = dash[1 + i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return -EINVAL;
		ret->container_id[i] = c;
	}
	/* Pods, namespaces and containers are DNS names: no '_' in any of them. */
	u1 = memchr(filename, '_', (size_t)(dash - filename));
	if (!u1)
		return -EINVAL;
	u2 = memchr(u1 + 1, '_', (size_t)(dash - u1 - 1));
	if (!u2 || memchr(u2 + 1, '_', (size_t)(dash - u2 - 1)))
		return -EINVAL;
	if (!copy_part(ret->pod, MT_K8S_POD_MAX, filename, (size_t)(u1 - filename)) ||
	    !copy_part(ret->k8s_namespace, MT_K8S_NS_MAX, u1 + 1, (size_t)(u2 - u1 - 1)) ||
	    !copy_part(ret->container, MT_K8S_CONTAINER_MAX, u2 + 1, (size_t)(dash - u2 - 1))) {
		*ret = (struct mt_k8s_name){ 0 };
		return -EINVAL;
	}
	return 0;
}

int mt_k8s_logtarget_uid(const char *target, char *ret_uid)
{
	/* ".../<ns>_<pod>_<uid>/<container>/<n>.log": the third-last component. */
	const char *end = target + strlen(target), *p = end;
	int slashes = 0;

	while (p > target && slashes < 2)
		if (*--p == '/')
			slashes++;
	if (slashes < 2)
		return -EINVAL;
	const char *dir_end = p, *dir = p;
	while (dir > target && dir[-1] != '/')
		dir--;
	const char *us = NULL;
	for (const char *q = dir; q < dir_end; q++)
		if (*q == '_')
			us = q;
	if (!us || dir_end - us - 1 <= 0 || dir_end - us - 1 > MT_K8S_UID_MAX)
		return -EINVAL;
	size_t n = (size_t)(dir_end - us - 1);
	for (size_t i = 0; i < n; i++) {
		char c = us[1 + i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-'))
			return -EINVAL;
		ret_uid[i] = c;
	}
	ret_uid[n] = '\0';
	return 0;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(((const struct mt_k8s_name *)a)->container_id, ((const struct mt_k8s_name *)b)->container_id);
}

void mt_k8s_names_free(struct mt_k8s_names *names)
{
	if (!names)
		return;
	free(names->v);
	free(names);
}

int mt_k8s_names_load(int logs_dir_fd, struct mt_k8s_names **ret)
{
	_cleanup_close_ int fd = openat(logs_dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	DIR *d = fdopendir(fd);
	if (!d)
		return -errno;
	int dfd = mt_take_fd(&fd);
	_cleanup_closedir_ DIR *dir = d;
	struct mt_k8s_names *t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	struct dirent *de;
	errno = 0;
	while ((de = readdir(dir))) {
		struct mt_k8s_name nm;
		char target[4096];
		if (mt_k8s_logname_parse(de->d_name, &nm) < 0)
			continue;
		ssize_t l = readlinkat(dfd, de->d_name, target, sizeof(target) - 1);
		if (l > 0) {
			target[l] = '\0';
			if (mt_k8s_logtarget_uid(target, nm.pod_uid) < 0)
				nm.pod_uid[0] = '\0';
		}
		if (t->n == t->cap) {
			size_t cap = t->cap ? t->cap * 2 : 64;
			struct mt_k8s_name *v = realloc(t->v, cap * sizeof(*v));
			if (!v) {
				mt_k8s_names_free(t);
				return -ENOMEM;
			}
			t->v = v;
			t->cap = cap;
		}
		t->v[t->n++] = nm;
		errno = 0;
	}
	if (errno) {
		int r = -errno;
		mt_k8s_names_free(t);
		return r;
	}
	if (t->n)
		qsort(t->v, t->n, sizeof(*t->v), cmp_name);
	*ret = t;
	return (int)t->n;
}

const struct mt_k8s_name *mt_k8s_names_by_container(const struct mt_k8s_names *names, const char *id)
{
	struct mt_k8s_name key;
	if (!names || !names->n || strlen(id) != MT_K8S_ID_MAX)
		return NULL;
	strcpy(key.container_id, id);
	return bsearch(&key, names->v, names->n, sizeof(*names->v), cmp_name);
}

const struct mt_k8s_name *mt_k8s_names_by_pod(const struct mt_k8s_names *names, const char *uid)
{
	if (!names || !*uid)
		return NULL;
	for (size_t i = 0; i < names->n; i++)
		if (strcmp(names->v[i].pod_uid, uid) == 0)
			return &names->v[i];
	return NULL;
}
