/* Scope-bound release of fds, heap memory and directory streams.
 * Variables marked with these are released when they leave scope;
 * hand ownership on with mt_take_fd()/mt_take_ptr(). */
#pragma once

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

static inline void mt_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

static inline void mt_freep(void *p)
{
	free(*(void **)p);
}

static inline void mt_closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

#define _cleanup_close_    __attribute__((cleanup(mt_closep)))
#define _cleanup_free_     __attribute__((cleanup(mt_freep)))
#define _cleanup_closedir_ __attribute__((cleanup(mt_closedirp)))

static inline int mt_take_fd(int *fd)
{
	int r = *fd;
	*fd = -1;
	return r;
}

static inline void *mt_take_ptr(void *pp)
{
	void *r = *(void **)pp;
	*(void **)pp = NULL;
	return r;
}

#define MT_ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))
