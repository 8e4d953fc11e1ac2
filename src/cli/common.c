/* common.c - stub, being written. */
#include "cli.h"
