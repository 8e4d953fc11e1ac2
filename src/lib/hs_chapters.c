/* hs_chapters.c - stub, being written. */
#include "internal.h"
