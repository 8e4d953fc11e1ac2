/* cmd_exposure.c - stub, being written. */
#include "cli.h"
