/* cmd_country.c - stub, being written. */
#include "cli.h"
