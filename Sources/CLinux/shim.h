// Linux-only system calls the HTTP server's reactor needs that the Glibc module does not export.
#ifndef CLINUX_SHIM_H
#define CLINUX_SHIM_H

#include <sys/epoll.h>
#include <sys/eventfd.h>

#endif
