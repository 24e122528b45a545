// Between the clock and the callout wheels (kernel/time only).
#pragma once
#include <stdint.h>

// A callout was armed on this CPU for deadline_ns: bring the timer forward if
// it is due sooner than what is programmed. IRQs masked.
void clock_deadline_added(uint64_t deadline_ns);
