#ifndef CFIMAGES_COPENSSL_SHIM_H
#define CFIMAGES_COPENSSL_SHIM_H
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

/* OPENSSL_free is a macro. */
static inline void cfi_openssl_free(void *p) { OPENSSL_free(p); }
#endif
