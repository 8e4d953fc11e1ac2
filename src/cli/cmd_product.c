/* cmd_product.c - stub, being written. */
#include "cli.h"
