/* memtriaged's start-up host check: can this host's memory controller be
 * served (cgroup2)? The facts come from lib/cgmount.h; this file only words
 * them for a human. */
#pragma once

#include <stdio.h>

#include "cgmount.h"

/* Probes the host. When it can be served, writes one line naming the
 * cgroup2 mount to `ok_out` (may be NULL) and returns 0. Otherwise writes one
 * paragraph to `err_out` -- what was found, what is needed, where to run
 * instead -- and returns 1. A probe that cannot run at all is reported the
 * same way and returns 1. */
int mt_hostcheck_run(FILE *ok_out, FILE *err_out);

/* The wording alone, for probed facts `h` (unit-tested); same outputs and
 * return value as mt_hostcheck_run(). */
int mt_hostcheck_report(const struct mt_host_cgroup *h, FILE *ok_out, FILE *err_out);
