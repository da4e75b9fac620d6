// The error every file h2race reads or writes ends in: the path and the reason (the OS's words
// where the OS said no). The CLI turns it into exit 2 naming the flag, because a path is the
// user's choice, not a bug.
#pragma once

#include <stdexcept>
#include <string>

namespace h2race {

struct FileError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace h2race
