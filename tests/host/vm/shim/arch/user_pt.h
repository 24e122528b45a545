#pragma once
#include "arch/aarch64/include/arch/user_pt.h"
