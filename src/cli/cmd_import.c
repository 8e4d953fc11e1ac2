/* cmd_import.c - stub, being written. */
#include "cli.h"
