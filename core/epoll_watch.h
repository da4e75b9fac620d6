// Adds fd to an epoll set for `events`, its number as the event's data: the server's guard mode
// and the go models' netpoller watch sockets this way. False when epoll_ctl refuses it (errno).
#pragma once

#include <sys/epoll.h>

#include <cstdint>

namespace h2race {

inline bool epoll_watch(int epoll_fd, int fd, uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;
  return epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) == 0;
}

}  // namespace h2race
