/* cmd_info.c - stub, being written. */
#include "cli.h"
