/* cmd_change.c - stub, being written. */
#include "cli.h"
