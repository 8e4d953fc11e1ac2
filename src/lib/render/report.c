/* report.c - placeholder */
#include "render.h"
int lever_report_html(const lever_store *s, int a, int b, const lever_query *q, int top,
                      lever_write_fn write, void *ud, lever_error *err)
{
    return LEVER_EUSAGE;
}
