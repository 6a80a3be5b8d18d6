#include "syslab_lua_shim.h"
