/* cmd_compare.c - stub, being written. */
#include "cli.h"
