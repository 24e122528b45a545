// Linux's personality word of a thread (kernel/proc/personality.cpp).
#pragma once

struct Lwp;

// At exec's commit, on the one LWP left: back to PER_LINUX; ids_change (the
// new program runs with other ids) also drops the flags a set-ID exec clears.
void personality_on_exec(Lwp* lp, bool ids_change);
