/* cmd_dyad.c - stub, being written. */
#include "cli.h"
