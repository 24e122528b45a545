// Host build: the real descriptor format (its TLB helpers are never called here).
#pragma once
#include "arch/aarch64/include/arch/pte.h"
