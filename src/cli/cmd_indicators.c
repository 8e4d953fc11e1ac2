/* cmd_indicators.c - stub, being written. */
#include "cli.h"
