/* Compiled as C99 and as C++17 with -Wall -Wextra -Werror -pedantic: the
 * public header must be clean in both. */
#include <dl/dl.h>

int main(void) { return dl_abi_version() == DL_VERSION_MAJOR ? 0 : 1; }
