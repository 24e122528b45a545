// The interactive kernel monitor on the console (until user space has a shell).
#pragma once

[[noreturn]] void monitor_run();
