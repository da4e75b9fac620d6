// The application side of the in-process server once a handshake succeeded: answer one request
// with 200 OK over HTTP/2 or HTTP/1.1. on_response runs just before the response is written, so
// the truth is on record before the client can see the response.
#pragma once

#include <openssl/ssl.h>

#include <functional>

namespace h2race {

// Blocking I/O on ssl; returns when the client is done or an I/O call fails or times out.
void serve_h2(SSL* ssl, const std::function<void()>& on_response);
void serve_h1(SSL* ssl, const std::function<void()>& on_response);

}  // namespace h2race
