/* cmd_leverage.c - stub, being written. */
#include "cli.h"
