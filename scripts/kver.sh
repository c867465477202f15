#!/bin/sh
# Print the version of the newest installed Debian amd64 kernel headers.
# The machine's own running kernel has no headers, so never use uname -r.
ls -d /usr/src/linux-headers-*-amd64 2>/dev/null |
	sed 's|.*/linux-headers-||' | sort -V | tail -n 1
