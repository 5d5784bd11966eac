/* Policies and Kubernetes names, loaded and re-resolved (reload.c): on
 * SIGHUP, a change of the policy directory, a socket `reload`, a change of
 * the kubelet's log symlinks. A bad policy set keeps the last good one. A
 * change of any group's candidacy becomes an event (a group protected while
 * held is released by the step that takes it). */
#pragma once

#include "daemon.h"

/* 0, or a negative errno with d->policy_error set (logged). */
int reload_policies(struct daemon *d, const char *why);

/* (Re)reads the kubelet's log symlinks (opts.logs_dir; nothing without it). */
void reload_names(struct daemon *d);
