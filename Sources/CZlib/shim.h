// zlib, the system's compression library, for the compression-tradeoffs scenario.
#include <zlib.h>
