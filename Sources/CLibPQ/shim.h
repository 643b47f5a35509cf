#ifndef CFIMAGES_CLIBPQ_SHIM_H
#define CFIMAGES_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
