// `report`: an example connection (`--explain`) drawn as a sequence diagram: the client's and the
// server's lifelines, what each sent as arrows (the last handshake flight, the preface and HEADERS
// writes, the alert, the close as FIN or RST), failed writes and the reported error marked in red,
// the injection points in grey. Rows follow the timeline's order; the left column is its time.
#pragma once

#include <string>

#include "core/timeline.h"

namespace h2race {

// A self-contained SVG.
std::string sequence_svg(const std::string& title, const Example& example);

}  // namespace h2race
