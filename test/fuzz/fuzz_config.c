/* The daemon configuration parser from a memory buffer. */
#include <stddef.h>
#include <stdint.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mt_config c;
	struct mt_json_error err;
	char msg[2048];

	if (mt_config_parse((const char *)data, size, "c.json", &c, &err) < 0)
		mt_json_error_format(&err, msg, sizeof(msg));
	else
		mt_config_clear(&c);
	return 0;
}
