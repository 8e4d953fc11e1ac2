/* cmd_depend.c - stub, being written. */
#include "cli.h"
