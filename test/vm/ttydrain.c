/* ttydrain: waits until everything written to stdout's terminal has left it.
 *
 * usage: ttydrain
 * The guest's /init prints its verdict on the serial console and powers off
 * straight after. write() to a tty returns once the bytes are in the UART
 * driver's buffer, which the interrupt handler empties later; a forced power
 * off drops whatever is still there, and the host then sees no MT-RESULT line
 * at all (CI, daemon-watch-limit, 2026-12-02). tcdrain() returns only once
 * the buffer and the transmitter are empty.
 * Exit 0 once drained; 1 (with the reason on stderr) if stdout is no tty.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

int main(void)
{
	if (tcdrain(STDOUT_FILENO) != 0) {
		fprintf(stderr, "ttydrain: tcdrain(stdout): %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
