/* cmd_synth.c - stub, being written. */
#include "cli.h"
