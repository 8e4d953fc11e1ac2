/* store_write.c - stub, being written. */
#include "internal.h"
