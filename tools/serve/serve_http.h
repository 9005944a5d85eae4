/* serve_http.h - the libmicrohttpd callbacks of `wikipack serve`. */
#ifndef WPK_SERVE_HTTP_H
#define WPK_SERVE_HTTP_H

#include "serve.h"

#include <microhttpd.h>

/* MHD_OPTION_URI_LOG_CALLBACK: keeps the request target as received
 * (MHD decodes it before the access handler, losing malformed escapes). */
void *serve_uri_log(void *cls, const char *uri, struct MHD_Connection *con);
/* MHD_OPTION_NOTIFY_COMPLETED: releases what serve_uri_log kept. */
void serve_completed(void *cls, struct MHD_Connection *con, void **req_cls, enum MHD_RequestTerminationCode toe);
/* MHD_OPTION_NOTIFY_CONNECTION: a connection's head deadline starts. */
void serve_connection(void *cls, struct MHD_Connection *con, void **socket_cls, enum MHD_ConnectionNotificationCode what);
/* The access handler; cls is the serve_ctx. */
enum MHD_Result serve_access(void *cls, struct MHD_Connection *con, const char *url, const char *method,
                             const char *version, const char *upload_data, size_t *upload_data_size, void **req_cls);

#endif
