// Picking test and benchmark cases by name from a boot-argument selector.
#pragma once

// Whether selector picks name: "all", an exact name, a comma-separated list of
// those, or a prefix ending in '*'. "all" leaves out the names that begin with
// all_skips (when it is not null).
bool selector_picks(const char* selector, const char* name, const char* all_skips);
