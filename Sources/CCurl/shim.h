#ifndef CFIMAGES_CCURL_SHIM_H
#define CFIMAGES_CCURL_SHIM_H
#include <curl/curl.h>

/* Swift cannot call C variadics: one typed wrapper per argument kind. */
static inline CURLcode cfi_easy_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode cfi_easy_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode cfi_easy_setopt_ptr(CURL *h, CURLoption o, const void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode cfi_easy_setopt_str(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode cfi_easy_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode cfi_easy_setopt_write_cb(CURL *h, CURLoption o, size_t (*cb)(char *, size_t, size_t, void *)) {
    return curl_easy_setopt(h, o, cb);
}
static inline CURLcode cfi_easy_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode cfi_easy_getinfo_double(CURL *h, CURLINFO i, double *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode cfi_easy_getinfo_ptr(CURL *h, CURLINFO i, void **v) { return curl_easy_getinfo(h, i, v); }
static inline CURLMcode cfi_multi_setopt_long(CURLM *h, CURLMoption o, long v) { return curl_multi_setopt(h, o, v); }
static inline CURLMcode cfi_multi_setopt_ptr(CURLM *h, CURLMoption o, void *v) { return curl_multi_setopt(h, o, v); }
static inline CURLMcode cfi_multi_setopt_socket_cb(CURLM *h, CURLMoption o, int (*cb)(CURL *, curl_socket_t, int, void *, void *)) {
    return curl_multi_setopt(h, o, cb);
}
static inline CURLMcode cfi_multi_setopt_timer_cb(CURLM *h, CURLMoption o, int (*cb)(CURLM *, long, void *)) {
    return curl_multi_setopt(h, o, cb);
}
#endif
